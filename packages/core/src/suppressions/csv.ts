/**
 * The cells of one CSV line (RFC 4180: quoted cells, "" inside quotes). Lines are split by the caller, so a
 * quoted cell cannot span lines here: an address list needs none.
 */
export function csvCells(line: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = '';
      i += 1;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        cell += line[i];
        i += 1;
      }
      if (i < line.length && line[i] !== ',') return null;
      cells.push(cell);
      i += 1;
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      cells.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return cells.map((c) => c.trim());
}
