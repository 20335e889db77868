/**
 * Where an export may be written (issue #16): never anywhere a caller names.
 *
 * - Browser host (`confinedExports`): only into the open project's `<workDir>/exports/` folder — the default
 *   name (built from the layer's file, dataset and date, sanitised here) or a file name the user typed
 *   there. The folder must be a real folder (not a symbolic link), the final path's parent, after resolving
 *   symbolic links, must be that folder, and the final path must not be a symbolic link or anything but a
 *   regular file. The file itself is written by the core writers' `writeFileAtomic` (unguessable temp name,
 *   O_EXCL, removed on failure, renamed into place).
 * - Electron (`dialogExports`): only to the path the native save dialog returned; a path from the renderer
 *   is refused, and cancelling the dialog writes nothing.
 */
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';

export class ExportPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportPathError';
  }
}

/** The user cancelled the save dialog: nothing was written. */
export class ExportCancelledError extends Error {
  constructor() {
    super('export cancelled: nothing was written');
    this.name = 'CancelledError';
  }
}

export interface ExportTargets {
  /** The file an export called `defaultName` (e.g. `velocity_velocity.kmz`) goes to; `outPath` as asked. */
  resolve(defaultName: string, outPath?: string): Promise<string>;
}

const MAX_NAME = 180;

/**
 * A file name made from data (file, dataset and date names): letters, digits, `.`, `_`, `-` only; no path
 * separators, no `..`, no leading dot, at most 180 characters (extension kept). Never empty.
 */
export function safeFileName(name: string): string {
  let n = name
    .normalize('NFKC')
    .replace(/[^\w.-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+/, '')
    .replace(/_+/g, '_');
  if (n.length > MAX_NAME) {
    const ext = extname(n).slice(0, 16);
    n = n.slice(0, MAX_NAME - ext.length) + ext;
  }
  return n && n !== '.' ? n : 'export';
}

/** A name the user typed: any characters but separators, control and reserved ones; not `.`/`..`/hidden. */
function typedName(name: string): string {
  if (!name || name.length > 255 || /[/\\:*?"<>|\p{Cc}]/u.test(name) || name.startsWith('.') || name.trim() !== name)
    throw new ExportPathError(
      `"${name.slice(0, 80)}": not a plain file name (exports go into the project's exports/ folder)`,
    );
  return name;
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The browser host's rule: `<workDir>/exports/<name>` only, checked after resolving symbolic links. */
export function confinedExports(workDir: () => string | null): ExportTargets {
  return {
    async resolve(defaultName, outPath) {
      const wd = workDir();
      if (!wd) throw new ExportPathError('no project is open: open a project folder first');
      const root = realpathSync(wd);
      const dir = join(root, 'exports');
      const st = lstatOrNull(dir);
      if (!st) mkdirSync(dir);
      else if (st.isSymbolicLink())
        throw new ExportPathError('exports/ is a symbolic link: exports are written only into a real folder');
      else if (!st.isDirectory()) throw new ExportPathError('exports/ exists and is not a folder');
      let name: string;
      if (outPath === undefined || outPath === null || outPath === '') name = safeFileName(defaultName);
      else if (isAbsolute(outPath) || /[/\\]/.test(outPath)) {
        // a full path is accepted only when it names a file directly in the exports folder
        const p = isAbsolute(outPath) ? resolve(outPath) : resolve(dir, outPath);
        let parent: string;
        try {
          parent = realpathSync(dirname(p));
        } catch {
          parent = '';
        }
        if (parent !== realpathSync(dir))
          throw new ExportPathError(`${outPath}: exports are written only into the project's exports/ folder`);
        name = typedName(basename(p));
      } else name = typedName(outPath);
      const target = join(dir, name);
      // after resolving symbolic links the file's folder is still exports/ (it could have been swapped)
      if (realpathSync(dirname(target)) !== realpathSync(dir))
        throw new ExportPathError(`${name}: outside the project's exports/ folder`);
      const t = lstatOrNull(target);
      if (t?.isSymbolicLink())
        throw new ExportPathError(`exports/${name} is a symbolic link: remove it or choose another name`);
      if (t && !t.isFile()) throw new ExportPathError(`exports/${name} exists and is not a file`);
      return target;
    },
  };
}

/** Electron's rule: the native save dialog chooses; a path from the renderer is refused. */
export function dialogExports(
  saveFile: (defaultPath: string) => Promise<string | null>,
  workDir: () => string | null,
): ExportTargets {
  return {
    async resolve(defaultName, outPath) {
      if (outPath !== undefined && outPath !== null)
        throw new ExportPathError(
          'in the desktop app an export is written where you choose in the save dialog, not to a given path',
        );
      const wd = workDir();
      if (!wd) throw new ExportPathError('no project is open: open a project folder first');
      const chosen = await saveFile(join(wd, 'exports', safeFileName(defaultName)));
      if (!chosen) throw new ExportCancelledError();
      if (!isAbsolute(chosen)) throw new ExportPathError('the save dialog returned a relative path');
      return chosen;
    },
  };
}
