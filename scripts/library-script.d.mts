/** Types of library-script.mjs, for the tests that import it. */
export function libraryScript(code: string): { script: string; exportNames: string[] };
export function entryModule(code: string, chunkSpecifier: string, loaderSpecifier: string): string;
export function libraryLoader(
  chunkName: string,
  scriptName: string,
  cacheName: string,
  mappedName: string,
  processEntryName: string,
): string;
export function chunkModule(exportNames: readonly string[], loaderName: string): string;
export function mappedModule(script: string): string;
