/** Entry of the action's main step (dist/index.js): nothing but the call. */
import { run } from './main.js';

await run();
