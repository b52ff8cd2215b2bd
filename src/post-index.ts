/** Entry of the action's post step (dist/post.js): nothing but the call. */
import { runPost } from './post.js';

await runPost();
