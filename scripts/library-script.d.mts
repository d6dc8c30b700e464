/** Types of library-script.mjs, for the tests that import it. */
export function libraryScript(code: string): { script: string; exportNames: string[] };
export function libraryLoader(
  exportNames: readonly string[],
  scriptName: string,
  cacheName: string,
  moduleName: string,
): string;
