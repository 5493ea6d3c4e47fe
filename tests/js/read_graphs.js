// Parse each GEXF / GraphML file named on the command line with graphology (the reader behind
// Gephi Lite) and print, as one JSON document, what it read: node and edge counts, and every
// node's and edge's id and attributes. A file graphology refuses gives {"file", "error"}.
// Run by tests/test_exchange.py; set up with `npm ci --prefix tests/js`.
'use strict';
const fs = require('fs');
const path = require('path');
const { MultiGraph } = require('graphology');
const gexf = require('graphology-gexf');
const graphml = require('graphology-graphml');

const results = process.argv.slice(2).map((file) => {
  const parser = path.extname(file) === '.gexf' ? gexf : graphml;
  try {
    const graph = parser.parse(MultiGraph, fs.readFileSync(file, 'utf8'));
    return {
      file,
      order: graph.order,
      size: graph.size,
      nodes: graph.mapNodes((key, attributes) => ({ key, attributes })),
      edges: graph.mapEdges((key, attributes, source, target) => ({
        key,
        source,
        target,
        attributes,
      })),
    };
  } catch (error) {
    return { file, error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify(results) + '\n');
