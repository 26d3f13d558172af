/** A list of records with ids, oldest first, that a page loaded and then adds to. */
export class RecordList<TRecord extends { readonly id: string }> {
  items = $state.raw<readonly TRecord[]>([]);
  readonly isEmpty = $derived(this.items.length === 0);

  constructor(initial: readonly TRecord[]) {
    this.items = initial;
  }

  /** Appends a record; one already listed (same id) is replaced in place instead. */
  add(record: TRecord): void {
    const index = this.items.findIndex((item) => item.id === record.id);
    this.items = index === -1 ? [...this.items, record] : this.items.with(index, record);
  }
}
