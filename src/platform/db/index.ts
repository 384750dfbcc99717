export {
  openDatabase,
  inTransaction,
  dialectOf,
  type Database,
  type Db,
  type DatabaseKind,
  type DatabaseHandle,
} from './database.js';
export { toJson, fromJson } from './json.js';
export { newId } from './ids.js';
export { migrateToLatest, pendingMigrations, type Migrations } from './migrator.js';
export { isUniqueViolation } from './errors.js';
export { jsonText } from './json-path.js';
export { insertRows, placeholders, type OnConflict } from './insert-rows.js';
export { updateRows, type RowUpdate } from './update-rows.js';
