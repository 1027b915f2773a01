// The CLI entry for tests (same as bin/edoc-bridge.js, from source through tsx).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
