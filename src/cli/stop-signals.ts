/**
 * The first SIGINT or SIGTERM. Every later one is handled too, and only reported: Node.js's
 * default for a signal nobody listens to is to exit at once, and a second Ctrl-C (or a runner
 * such as the tsx CLI passing a signal on again when the process answers it slowly) must not cut
 * a graceful stop short.
 */
export function firstStopSignal(onRepeat: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  let received = 0;
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received++ > 0) onRepeat(signal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
