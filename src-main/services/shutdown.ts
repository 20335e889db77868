/** The abort reason that means "the app is closing": a running pipeline child is killed without a grace period. */
export const SHUTDOWN = 'shutdown';
