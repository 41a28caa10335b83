import { describe, expect, it } from "vitest";
import { findProjectRoot, isInside, memoryFileHost } from "../../src/compiler/checker/host.js";

describe("file hosts and the project root", () => {
  const host = memoryFileHost({ "/a/linea.json": "{}", "/a/b/c/main.lin": "", "/x/y/main.lin": "" });

  it("reads files and sees folders that hold files", () => {
    expect(host.readFile("/a/b/c/main.lin")).toBe("");
    expect(host.readFile("/a/b/c/other.lin")).toBeUndefined();
    expect(host.exists("/a/b")).toBe(true);
    expect(host.exists("/a/bb")).toBe(false);
  });

  it("the root is the nearest marked ancestor, else the file's folder", () => {
    expect(findProjectRoot("/a/b/c/main.lin", host)).toBe("/a");
    expect(findProjectRoot("/x/y/main.lin", host)).toBe("/x/y");
  });

  it("isInside does not confuse a prefix with a parent", () => {
    expect(isInside("/a", "/a/b.lin")).toBe(true);
    expect(isInside("/a", "/ab/c.lin")).toBe(false);
    expect(isInside("/a/b", "/a/b/../c.lin")).toBe(false);
  });
});
