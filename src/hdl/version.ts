/** The generator version, from package.json; it goes into every emitted header. */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './source.js';

export const VERSION: string = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
