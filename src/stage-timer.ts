/** Times the pipeline's stages for the job summary, each in its own log group by default. */
import type { Log } from './log.js';

export interface StageTimer {
  stages: Array<{ name: string; seconds: number }>;
  /** Times a stage; `grouped: false` for stages that open their own log group. */
  run<T>(name: string, fn: () => Promise<T>, grouped?: boolean): Promise<T>;
}

export function createStageTimer(log: Log): StageTimer {
  const stages: Array<{ name: string; seconds: number }> = [];
  return {
    stages,
    async run<T>(name: string, fn: () => Promise<T>, grouped = true): Promise<T> {
      const started = Date.now();
      try {
        return await (grouped ? log.group(name, fn) : fn());
      } finally {
        stages.push({ name, seconds: (Date.now() - started) / 1000 });
      }
    }
  };
}
