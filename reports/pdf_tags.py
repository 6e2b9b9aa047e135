"""Finishing touches to the PDF's tag tree that WeasyPrint does not write itself.

PDF/UA-1 §7.5 asks that a table's header cells say which cells they head. WeasyPrint tags
<th> as /TH but drops the HTML `scope`, so a screen reader (and the `pdfua` checker, rule
UA-15-003) cannot tell a column header from a row header. This adds /Scope to every /TH,
read from the table's shape as the HTML gives it: a header cell in a row of header cells
(the <thead>) heads its column; a header cell among data cells heads its row.
"""

import io

import pikepdf

TH, TD, TR = pikepdf.Name.TH, pikepdf.Name.TD, pikepdf.Name.TR
THEAD = pikepdf.Name.THead


def scope_table_headers(pdf: bytes) -> bytes:
    """The same PDF with /Scope (Column or Row) on every table header cell."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf
        for row, parent_role in _rows(tree, None):
            _scope_row(row, parent_role)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    # Marked-content numbers and references are leaves, not structure elements.
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _rows(element, parent_role):
    """Every /TR of the tree with its parent's role (depth first, iteratively)."""
    stack = [(element, parent_role)]
    while stack:
        node, parent = stack.pop()
        role = node.get("/S")
        if role == TR:
            yield node, parent
            continue
        stack.extend((kid, role) for kid in reversed(_kids(node)))


def _scope_row(row, parent_role) -> None:
    cells = [cell for cell in _kids(row) if cell.get("/S") in (TH, TD)]
    headers = [cell for cell in cells if cell.get("/S") == TH]
    all_headers = len(headers) == len(cells)
    scope = pikepdf.Name.Column if parent_role == THEAD or all_headers else pikepdf.Name.Row
    for cell in headers:
        _table_attributes(cell)[pikepdf.Name.Scope] = scope


def _table_attributes(cell) -> pikepdf.Dictionary:
    """The cell's attribute dictionary owned by /Table (created when missing)."""
    attributes = cell.get("/A")
    candidates = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for candidate in candidates:
        if isinstance(candidate, pikepdf.Dictionary) and candidate.get("/O") == pikepdf.Name.Table:
            return candidate
    owned = pikepdf.Dictionary(O=pikepdf.Name.Table)
    if attributes is None:
        cell[pikepdf.Name.A] = owned
    elif isinstance(attributes, pikepdf.Array):
        attributes.append(owned)
    else:
        cell[pikepdf.Name.A] = pikepdf.Array([attributes, owned])
    return owned
