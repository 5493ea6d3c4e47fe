"""The names a notebook's ``parameters`` cell assigns, read without running it.

Light on purpose (``ast`` only): the build checks a figure's parameters with it before any
kernel starts, and :func:`peerlib.notebook.check_injected_parameters` inside one.

>>> assigned_names('# Parameters\\ndata_dir = None  # corpus\\nstudy = "x"\\na = b = 1\\n')
['data_dir', 'study', 'a', 'b']
>>> assigned_names("not python (")
[]
"""

from __future__ import annotations

import ast

__all__ = ["assigned_names"]


def assigned_names(source: str) -> list[str]:
    """Every name assigned at the top level of ``source``, in order; ``[]`` if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names
