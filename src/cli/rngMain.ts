// The bundle of `vmctx rng` alone (dist/bundle/cliRng.js; dist/cli.js runs it for that command):
// the XML parser, the RELAX NG engine, the compiled-schema cache and the file reader, without the
// project model, builds, deploys and the project's validators of the bundle of every command
// (main.ts), whose code a run of rng read, deserialized from the code cache and ran the top level
// of (issue #16). Only `rng` is ever passed here.
import { rngCommand } from './commands/rngCommand';
import { startCli } from './cliRunner';

if (require.main === module) startCli([rngCommand]);
