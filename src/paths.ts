import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the folder holding migrations/, templates/ and config/. This file sits in
 * src/ when run through tsx and in dist/src/ after tsc (rootDir '.'), so one or two levels up.
 */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.basename(path.dirname(here)) === 'dist' ? '../..' : '..';
  return path.resolve(here, up);
}

/** A path inside the package (e.g. `packagePath('config', 'holidays.yaml')`). */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
