/**
 * Fault injection for the crash tests: pipelines call `failpoint(name)` at the points where a
 * crash matters (after the raw mail is stored, before a commit, after the SMTP server said 250…);
 * with `EDOC_BRIDGE_FAILPOINT=<name>` the process exits hard there, as a kill would.
 */
export function envFailpoint(env: NodeJS.ProcessEnv): (name: string) => void {
  const wanted = env.EDOC_BRIDGE_FAILPOINT;
  return name => {
    if (wanted === name) {
      process.stderr.write(`failpoint ${name}: exiting\n`);
      process.exit(137);
    }
  };
}
