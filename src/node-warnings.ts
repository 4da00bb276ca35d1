/**
 * The AWS SDK warns once per process that its releases after January 2027 will need Node 22. docflow's lockfile pins
 * SDK releases that support Node 20, so the notice is not actionable for a docflow user: drop it, keep every other
 * warning as Node prints it.
 */
export function dropAwsNodeVersionNotice(): void {
  const print = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.message.startsWith('NodeVersionSupportWarning') || warning.name === 'NodeVersionSupportWarning') return;
    for (const listener of print) listener(warning);
  });
}
