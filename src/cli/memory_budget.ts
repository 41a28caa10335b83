// `--memory-budget SIZE` (`16G`, `512MiB`, bytes), accepted by every command: the check's memory budget
// (LIN0330, LIN0509). The disk host reads its budget from LINEA_MEMORY_BUDGET on each check, so the flag
// sets that variable for the command's run and restores it after.
import { parseBytes } from "../compiler/checker/memory.js";
import { UsageError } from "./command.js";

const flag = "--memory-budget";

/** The arguments without the flag, and a function that restores the environment. */
export function takeMemoryBudget(args: readonly string[]): { args: string[]; restore: () => void } {
  const out: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === flag) {
      value = args[i + 1];
      if (value === undefined) throw new UsageError(`${flag} needs a size, e.g. ${flag} 16G`);
      i++;
    } else if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    else out.push(a);
  }
  if (value === undefined) return { args: out, restore: () => undefined };
  if (parseBytes(value) === undefined) throw new UsageError(`${flag} must be a size such as 16G, 512MiB or a number of bytes, got '${value}'`);
  const before = process.env.LINEA_MEMORY_BUDGET;
  process.env.LINEA_MEMORY_BUDGET = value;
  return {
    args: out,
    restore: () => {
      if (before === undefined) delete process.env.LINEA_MEMORY_BUDGET;
      else process.env.LINEA_MEMORY_BUDGET = before;
    },
  };
}
