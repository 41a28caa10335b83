// Whether human diagnostics are coloured: decided once, here, from the environment and the terminal, and
// passed to the renderer as a flag (the library's renderDiagnostics is colourless unless asked).
//   FORCE_COLOR set and not empty: colour, even when not a terminal ("0" or "false": none), as Node decides;
//   else NO_COLOR set and not empty (any value, no-color.org): none;
//   else colour exactly when stderr, where diagnostics go, is a terminal (and TERM is not "dumb").

export type Environment = Readonly<Record<string, string | undefined>>;

export function useColour(env: Environment, stderrIsTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  if ((env.NO_COLOR ?? "") !== "") return false;
  return stderrIsTTY && env.TERM !== "dumb";
}
