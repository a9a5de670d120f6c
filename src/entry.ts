// Process entry point of the bundle: runs the CLI.

import { main } from './cli.js';

main();
