/** The per-request context: placeholder until the server wiring lands. */
export interface RequestContext {
  requestId: string;
}
