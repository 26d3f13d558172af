import type { ValueTransformer } from 'typeorm';

/** int8 columns arrive from pg as strings; sequence numbers and counters fit in a JS number. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
