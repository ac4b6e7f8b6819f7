import { test } from "node:test";
import assert from "node:assert/strict";
import {
  deleteCells, duplicateCell, insertCell, joinSource, mergeCells, moveCell, newCell, newNotebook,
  parseNotebook, restoreCells, serialize, setCellType, splitCell, splitLines, toIpynb, NotebookError,
} from "./index";

const sample = {
  cells: [
    { cell_type: "markdown", id: "m1", metadata: {}, source: ["# Title\n", "Some $x^2$ math"] },
    {
      cell_type: "code", execution_count: 3, id: "c1", metadata: { collapsed: false },
      outputs: [
        { name: "stdout", output_type: "stream", text: ["hello\n", "world\n"] },
        { data: { "text/plain": ["2"] }, execution_count: 3, metadata: {}, output_type: "execute_result" },
        { data: { "image/png": "iVBORw0KGgo=", "text/plain": ["<image>"] }, metadata: {}, output_type: "display_data" },
        { ename: "CompileError", evalue: "1:5: undefined: y", output_type: "error", traceback: ["x"] },
      ],
      source: ["x := 1\n", "x + 1"],
    },
  ],
  metadata: { kernelspec: { display_name: "Go (Tandem)", language: "go", name: "tandem" } },
  nbformat: 4,
  nbformat_minor: 5,
};

test("parse then write round-trips nbformat 4.5", () => {
  const nb = parseNotebook(sample);
  assert.equal(nb.cells.length, 2);
  assert.equal(nb.cells[0].source, "# Title\nSome $x^2$ math");
  assert.equal(nb.cells[1].executionCount, 3);
  assert.equal(nb.cells[1].outputs.length, 4);
  const out = toIpynb(nb);
  assert.deepEqual(out, sample);
  // Parsing the serialized text again gives the same model.
  assert.deepEqual(toIpynb(parseNotebook(serialize(nb))), sample);
});

test("serialize has stable key order", () => {
  const text = serialize(parseNotebook(sample));
  assert.ok(text.indexOf('"cells"') < text.indexOf('"metadata"'));
  assert.ok(text.indexOf('"cell_type"') < text.indexOf('"id"'));
  assert.ok(text.endsWith("}\n"));
});

test("parse rejects broken notebooks with a reason", () => {
  for (const [input, want] of [
    ["{", /not valid JSON/],
    ["[]", /not a JSON object/],
    [{ nbformat: 3, cells: [] }, /nbformat 3/],
    [{ nbformat: 4 }, /no cells/],
    [{ nbformat: 4, cells: [{ cell_type: "weird" }] }, /cell 1 has unknown cell_type/],
  ] as Array<[unknown, RegExp]>) {
    assert.throws(() => parseNotebook(input), (e: Error) => e instanceof NotebookError && want.test(e.message), String(input));
  }
});

test("parse fixes missing and duplicate cell ids", () => {
  const nb = parseNotebook({ nbformat: 4, nbformat_minor: 4, cells: [
    { cell_type: "code", source: "a" }, { cell_type: "code", id: "x", source: "b" }, { cell_type: "code", id: "x", source: "c" },
  ] });
  const ids = nb.cells.map((c) => c.id);
  assert.equal(new Set(ids).size, 3);
  assert.equal(ids[1], "x");
  assert.equal(nb.nbformatMinor, 5);
});

test("splitLines and joinSource are inverse", () => {
  for (const s of ["", "a", "a\n", "a\nb", "a\n\nb\n", "\n"]) {
    assert.equal(joinSource(splitLines(s)), s, JSON.stringify(s));
  }
  assert.deepEqual(splitLines("a\nb"), ["a\n", "b"]);
});

test("delete and undo restore cells at their places", () => {
  const nb = newNotebook();
  nb.cells = ["a", "b", "c", "d"].map((s) => newCell("code", s));
  const del = deleteCells(nb, [3, 1]);
  assert.deepEqual(nb.cells.map((c) => c.source), ["a", "c"]);
  restoreCells(nb, del);
  assert.deepEqual(nb.cells.map((c) => c.source), ["a", "b", "c", "d"]);
});

test("deleting every cell leaves one empty cell, undo removes it", () => {
  const nb = newNotebook();
  nb.cells = [newCell("code", "only")];
  const del = deleteCells(nb, [0]);
  assert.equal(nb.cells.length, 1);
  assert.equal(nb.cells[0].source, "");
  restoreCells(nb, del);
  assert.deepEqual(nb.cells.map((c) => c.source), ["only"]);
});

test("move, duplicate, split, merge", () => {
  const nb = newNotebook();
  nb.cells = ["a", "b", "c"].map((s) => newCell("code", s));
  assert.equal(moveCell(nb, 0, 1), 1);
  assert.deepEqual(nb.cells.map((c) => c.source), ["b", "a", "c"]);
  assert.equal(moveCell(nb, 0, -1), 0);
  assert.equal(moveCell(nb, 2, 5), 2);
  const i = duplicateCell(nb, 1);
  assert.equal(i, 2);
  assert.equal(nb.cells[2].source, "a");
  assert.notEqual(nb.cells[2].id, nb.cells[1].id);
  nb.cells[0].source = "line1\nline2\nline3";
  const j = splitCell(nb, 0, "line1\n".length);
  assert.equal(j, 1);
  assert.equal(nb.cells[0].source, "line1");
  assert.equal(nb.cells[1].source, "line2\nline3");
  mergeCells(nb, 0);
  assert.equal(nb.cells[0].source, "line1\nline2\nline3");
  assert.throws(() => mergeCells(nb, nb.cells.length - 1), RangeError);
});

test("changing type drops outputs when leaving code", () => {
  const c = newCell("code", "1");
  c.outputs.push({ output_type: "stream", name: "stdout", text: "x" });
  c.executionCount = 4;
  assert.equal(setCellType(c, "markdown"), true);
  assert.equal(c.outputs.length, 0);
  assert.equal(c.executionCount, null);
  assert.equal(setCellType(c, "markdown"), false);
});

test("insertCell clamps the index", () => {
  const nb = newNotebook();
  assert.equal(insertCell(nb, 99, newCell("markdown", "m")), 1);
  assert.equal(insertCell(nb, -3, newCell("raw", "r")), 0);
  assert.deepEqual(nb.cells.map((c) => c.type), ["raw", "code", "markdown"]);
});
