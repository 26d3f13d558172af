import { Foundation1795243308180 } from './1795243308180-foundation.js';

/** Every migration, in order. TypeORM runs the pending ones at start-up. */
export const MIGRATIONS = [Foundation1795243308180];
