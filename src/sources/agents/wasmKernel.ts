// Loading a WebAssembly kernel (src/wasm/, built into dist/): its module compiled once per thread (~6–7 ms; a scan
// thread compiles its own), and one instance per thread over the reader's read buffer. Null when there is none (no
// build of it, `TOKENMETER_WASM=0`, or no WebAssembly): then the JavaScript reader reads.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface KernelLoader<K> {
  /** The kernel's module, or null (see above). */
  module(): WebAssembly.Module | null;
  /** This thread's kernel with an input of `inputBytes` (the reader's read buffer), or null. */
  kernel(inputBytes: number): K | null;
  /** Forgets the compiled module (tests: whether TOKENMETER_WASM=0 is heeded); a kernel already made stays. */
  forgetModule(): void;
}

/** The kernel file `name`: next to the bundles (dist/), beside a command's bundle (dist/cli/), or the build's from the sources (tests). */
function kernelFile(name: string): string | undefined {
  for (const dir of [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..', '..', 'dist')]) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function kernelLoader<K>(fileName: string, make: (module: WebAssembly.Module, inputBytes: number) => K): KernelLoader<K> {
  let compiled: WebAssembly.Module | null | undefined;
  let kernel: K | null | undefined;
  const module = (): WebAssembly.Module | null => {
    if (compiled !== undefined) return compiled;
    compiled = null;
    if (process.env.TOKENMETER_WASM === '0' || typeof WebAssembly !== 'object') return compiled;
    const file = kernelFile(fileName);
    try {
      if (file) compiled = new WebAssembly.Module(readFileSync(file));
    } catch {
      compiled = null;
    }
    return compiled;
  };
  return {
    module,
    kernel(inputBytes) {
      if (kernel !== undefined) return kernel;
      const compiledModule = module();
      try {
        kernel = compiledModule ? make(compiledModule, inputBytes) : null;
      } catch {
        kernel = null;
      }
      return kernel;
    },
    forgetModule() {
      compiled = undefined;
    },
  };
}
