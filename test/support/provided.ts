/**
 * What the test run's global setup provides (the dev server's address, the workflow bundle, ...). Inside vitest the
 * values come from `inject`; a plain script (the fixture recorder, run with tsx) starts its own server and hands them
 * over with `provideOutsideVitest` first, so the harness modules work in both without importing vitest up front
 * (vitest refuses to load outside its runner).
 */
export interface ProvidedValues {
  temporalAddress: string;
  temporalNamespace: string;
  workflowBundlePath: string;
  temporalCliPath: string;
}

let outside: ProvidedValues | undefined;

export function provideOutsideVitest(values: ProvidedValues): void {
  outside = values;
}

export async function provided<K extends keyof ProvidedValues>(key: K): Promise<ProvidedValues[K]> {
  if (outside) return outside[key];
  const { inject } = await import('vitest');
  return inject(key);
}
