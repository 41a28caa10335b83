// The session of a train section's objective (plan.loss): the one place that maps a loss to the class
// that trains it, so the CLI and library callers build sessions alike.
import type { CheckedProgram } from "../compiler/checker/checked.js";
import { IdempotentSession } from "./idempotentSession.js";
import { LikelihoodSession } from "./likelihood.js";
import type { TrainPlan } from "./plan.js";
import { TrainingSession } from "./session.js";
import { SupervisedSession } from "./supervised.js";

/** Any objective's session. */
export type AnyTrainingSession = TrainingSession | IdempotentSession | SupervisedSession | LikelihoodSession;

/** Binds `plan`'s objective: flow matching, idempotent, mse or lpips (supervised) or nll (likelihood). */
export async function createTrainingSession(program: CheckedProgram, plan: TrainPlan, baseDir: string): Promise<AnyTrainingSession> {
  switch (plan.loss) {
    case "flow_matching":
      return TrainingSession.create(program, plan, baseDir);
    case "idempotent":
      return IdempotentSession.create(program, plan, baseDir);
    case "mse":
    case "lpips":
      return SupervisedSession.create(program, plan, baseDir);
    case "nll":
      return LikelihoodSession.create(program, plan, baseDir);
  }
}
