// Event categories; the protected ones make an event confidential.

import { NotFoundError } from '../errors.js';
import type { Db } from './open.js';

export interface Category {
  id: number;
  name: string;
  protected: boolean;
}

export function listCategories(db: Db): Category[] {
  return (db.prepare('SELECT id, name, protected FROM categories ORDER BY name').all() as { id: number; name: string; protected: number }[]).map(
    (r) => ({ id: r.id, name: r.name, protected: r.protected === 1 }),
  );
}

export function findCategory(db: Db, name: string): Category | null {
  const r = db.prepare('SELECT id, name, protected FROM categories WHERE name = ?').get(name) as
    | { id: number; name: string; protected: number }
    | undefined;
  return r ? { id: r.id, name: r.name, protected: r.protected === 1 } : null;
}

export function requireCategory(db: Db, name: string, flag = '--category'): Category {
  const found = findCategory(db, name);
  if (found) return found;
  throw new NotFoundError(`${flag} "${name}" is not a category; known categories: ${listCategories(db).map((c) => c.name).join(', ')}`, {
    hint: `add it with: caseflow-outlook categories add "${name}"`,
  });
}

export function addCategory(db: Db, name: string, isProtected: boolean, now: string): Category {
  const id = Number(db.prepare('INSERT INTO categories (name, protected, created_at) VALUES (?, ?, ?)').run(name, isProtected ? 1 : 0, now).lastInsertRowid);
  return { id, name, protected: isProtected };
}

export function setProtected(db: Db, id: number, isProtected: boolean): void {
  db.prepare('UPDATE categories SET protected = ? WHERE id = ?').run(isProtected ? 1 : 0, id);
}

export function protectedCategoryNames(db: Db): string[] {
  return (db.prepare('SELECT name FROM categories WHERE protected = 1 ORDER BY name').all() as { name: string }[]).map((r) => r.name);
}
