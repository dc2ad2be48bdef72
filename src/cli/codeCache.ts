// V8's code cache for the bundles `tokenmeter mcp` loads (issue 20: start-up to the first answer).
//
// A fresh process compiles dist/cli/mcp.js and dist/zod.js (1.8 MB of JavaScript) before it can answer
// `initialize`, and compiles each function again the first time it runs. `vm.Script` takes the compiled
// code back as `cachedData`: the first server run writes it under the cache folder, later runs skip most
// compiling (~15-30 ms of CPU; docs/benchmarks.md, MCP server start-up). Node 20 has no
// `module.enableCompileCache` (Node 22.1), so this loads our own bundles the way Node's CommonJS loader
// does, with the cache added.
//
// Never in the way: a cache that is missing, unreadable, from another Node or V8 (V8 checks its version
// and flags and rejects it), from another build of the bundle (the file name holds a hash of the bundle's
// text) or damaged (each file starts with a SHA-256 of the rest: release builds of V8 check no checksum, and
// would run flipped bytes) only means compiling as without it, and a new cache written once the server has answered.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** What `Module` has but @types/node does not declare. */
interface NodeModule extends Module {
  filename: string;
  paths: string[];
  loaded: boolean;
}
const moduleInternals = Module as unknown as {
  new (id: string, parent?: Module): NodeModule;
  _cache: Record<string, NodeModule>;
  _nodeModulePaths(dir: string): string[];
  wrap(source: string): string;
};

interface Compiled {
  script: vm.Script;
  cacheFile: string;
}

/**
 * Requires `entry` (a bundle in `bundleDir`) and every bundle of `bundleDir` it requires through V8's code
 * cache in `cacheFolder`. Other modules (Node's own) load as usual. `save()` writes the caches that were
 * missing or rejected (once; best after the first answer, when the functions it ran are compiled too).
 */
export class CodeCacheLoader {
  private readonly toSave: Compiled[] = [];
  private saved = false;
  private readonly folderKey: string;

  constructor(private readonly bundleDir: string, private readonly cacheFolder: string, private readonly onError: (message: string) => void) {
    this.folderKey = createHash('sha256').update(bundleDir).digest('hex').slice(0, 8);
  }

  require(entry: string): unknown {
    return this.load(path.resolve(entry), undefined);
  }

  /** Writes the missing caches; a failure is reported once and changes nothing else. */
  save(): void {
    if (this.saved) return;
    this.saved = true;
    if (this.toSave.length === 0) return;
    try {
      mkdirSync(this.cacheFolder, { recursive: true });
      const names = readdirSync(this.cacheFolder);
      const nowMs = Date.now();
      for (const name of names) {
        // Caches of installs gone or unused for a month (an update moves the extension to a new folder).
        const file = path.join(this.cacheFolder, name);
        if (name.endsWith('.bin') && nowMs - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? nowMs) > staleAfterMs) rmSync(file, { force: true });
      }
      for (const { script, cacheFile } of this.toSave) {
        // Caches of older builds of the same bundle in the same folder go; other installs keep theirs.
        const prefix = path.basename(cacheFile).replace(/[0-9a-f]+\.bin$/, '');
        for (const name of names) if (name.startsWith(prefix) && name !== path.basename(cacheFile)) rmSync(path.join(this.cacheFolder, name), { force: true });
        // Written aside and renamed: another server starting meanwhile reads a whole cache or none.
        const partial = `${cacheFile}.${process.pid}.tmp`;
        const data = script.createCachedData();
        writeFileSync(partial, Buffer.concat([digestOf(data), data]));
        renameSync(partial, cacheFile);
      }
    } catch (error) {
      this.onError(`the code cache was not saved in ${this.cacheFolder} (${(error as NodeJS.ErrnoException).code ?? String(error)}); start-up stays ~20 ms slower`);
    }
  }

  private load(file: string, parent: NodeModule | undefined): unknown {
    const known = moduleInternals._cache[file];
    if (known) return known.exports;
    const bytes = readFileSync(file);
    const module = new moduleInternals(file, parent);
    module.filename = file;
    module.paths = moduleInternals._nodeModulePaths(path.dirname(file));
    moduleInternals._cache[file] = module;
    try {
      const run = this.compile(file, bytes) as (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;
      run.call(module.exports, module.exports, this.requireFor(module), module, file, path.dirname(file));
    } catch (error) {
      delete moduleInternals._cache[file];
      throw error;
    }
    module.loaded = true;
    return module.exports;
  }

  /** `require` inside a bundle: our other bundles through the cache, anything else as Node does. */
  private requireFor(module: NodeModule): NodeJS.Require {
    const dir = path.dirname(module.filename);
    const own = ((id: string) => {
      const file = id.startsWith('.') ? path.resolve(dir, id) : undefined;
      if (file && file.startsWith(this.bundleDir + path.sep) && file.endsWith('.js')) return this.load(file, module);
      return module.require(id);
    }) as NodeJS.Require;
    own.resolve = ((id: string) => require.resolve(id.startsWith('.') ? path.resolve(dir, id) : id)) as NodeJS.RequireResolve;
    own.cache = require.cache;
    own.main = require.main;
    own.extensions = require.extensions;
    return own;
  }

  private compile(file: string, bytes: Buffer): unknown {
    // The bundle's bytes, not only its length (all V8 checks): a package manager may give two builds one mtime.
    const key = createHash('sha256').update(`${process.version} ${process.arch}\n`).update(bytes).digest('hex').slice(0, 16);
    // Named by bundle and install folder (two installs, say VS Code's and Cursor's, each keep one), then the key.
    const name = `${path.relative(this.bundleDir, file).replace(/[\\/]/g, '_').replace(/\.js$/, '')}-${this.folderKey}-`;
    const cacheFile = path.join(this.cacheFolder, `${name}${key}.bin`);
    const cachedData = readCache(cacheFile);
    const script = new vm.Script(moduleInternals.wrap(bytes.toString('utf8')), {
      filename: file,
      cachedData,
      // Our bundles import nothing dynamically; should one, Node's own loader answers (Node 20.12 and later).
      importModuleDynamically: (vm.constants as Partial<typeof vm.constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected) this.toSave.push({ script, cacheFile });
    return script.runInThisContext({ displayErrors: true });
  }
}

const digestBytes = 32;
const staleAfterMs = 30 * 86_400_000;

function digestOf(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The cached data in `file` when it is whole (its digest matches), else undefined. */
function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // none yet: compiled as usual, and saved later
  }
  const data = bytes.subarray(digestBytes);
  return bytes.length > digestBytes && digestOf(data).equals(bytes.subarray(0, digestBytes)) ? data : undefined;
}
