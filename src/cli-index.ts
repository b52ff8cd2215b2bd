/** Entry of the local command (dist/cli.js): nothing but the call. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
