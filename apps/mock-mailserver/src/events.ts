/** A bounded, replayable log of server events, the source of `GET /api/events`. */

/**
 * `message`: one arrived (its summary). `update`: its read state, tags or IMAP flags changed
 * (see `MessageUpdateEvent`). `delete`: one left (`{ id, reason }`). `reset`: all of them left.
 * `fault`: a fault rule fired.
 */
export type ServerEventType = 'message' | 'update' | 'delete' | 'reset' | 'fault';

export interface ServerEvent {
  id: number;
  type: ServerEventType;
  data: unknown;
}

type Listener = (event: ServerEvent) => void;

export class EventLog {
  private readonly buffer: ServerEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private lastId = 0;

  constructor(private readonly capacity = 1000) {}

  publish(type: ServerEventType, data: unknown): ServerEvent {
    const event = { id: ++this.lastId, type, data };
    this.buffer.push(event);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * Events after `id`, oldest first. `complete` is false when some of them were already
   * dropped from the buffer, or when the id is from another run of the server (ahead of
   * this one), so a resuming client knows it missed events and should re-list.
   */
  since(id: number): { events: ServerEvent[]; complete: boolean } {
    if (id > this.lastId) return { events: [...this.buffer], complete: false };
    const events = this.buffer.filter((event) => event.id > id);
    const oldest = this.buffer[0]?.id ?? this.lastId + 1;
    return { events, complete: id >= oldest - 1 };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get latestId(): number {
    return this.lastId;
  }
}
