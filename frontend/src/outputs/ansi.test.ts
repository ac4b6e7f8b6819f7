import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAnsi } from "./ansi";

test("parseAnsi splits styled runs", () => {
  assert.deepEqual(parseAnsi("plain"), [{ text: "plain", style: {} }]);
  assert.deepEqual(parseAnsi("\x1b[1;31mred\x1b[0m ok"), [
    { text: "red", style: { bold: true, fg: "red" } },
    { text: " ok", style: {} },
  ]);
  assert.deepEqual(parseAnsi("\x1b[38;5;196mx\x1b[48;2;1;2;3my\x1b[39;49m"), [
    { text: "x", style: { fg: "rgb(255,0,0)" } },
    { text: "y", style: { fg: "rgb(255,0,0)", bg: "rgb(1,2,3)" } },
  ]);
  assert.deepEqual(parseAnsi("a\x1b[2Kb\x1b[mc"), [
    { text: "a", style: {} }, { text: "b", style: {} }, { text: "c", style: {} },
  ]);
  assert.deepEqual(parseAnsi("\x1b[94mhi"), [{ text: "hi", style: { fg: "bright-blue" } }]);
});
