import { describe, expect, it } from 'vitest';
import { createCrmConnector } from './client.js';
import { toRecord } from './mapping.js';

const contact = (date_of_birth: string | null) => ({
  id: '1',
  properties: { date_of_birth },
  createdAt: '2025-06-01T10:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
  archived: false,
});

describe('a HubSpot date property', () => {
  it('reads a date as it is', () => {
    expect(toRecord(contact('1985-03-12'), 'America/Los_Angeles').birthDate).toBe('1985-03-12');
  });

  it('reads midnight UTC, as HubSpot stores a date, as that date in UTC (the default)', () => {
    expect(toRecord(contact('1985-03-12T00:00:00.000Z')).birthDate).toBe('1985-03-12');
    // Read in a zone west of UTC, the same instant is the day before: the zone must be HubSpot's.
    expect(toRecord(contact('1985-03-12T00:00:00.000Z'), 'America/Los_Angeles').birthDate).toBe('1985-03-11');
  });

  it('reads an instant from a CRM that writes local midnight in its zone', () => {
    expect(toRecord(contact('1990-04-14T22:00:00Z'), 'Europe/Paris').birthDate).toBe('1990-04-15');
  });

  it('leaves what is not a date unknown', () => {
    expect(toRecord(contact('12/03/1985'), 'UTC').birthDate).toBeNull();
    expect(toRecord(contact(null), 'UTC').birthDate).toBeNull();
  });

  it('refuses an unknown time zone when the connector is made, naming it', () => {
    expect(() => createCrmConnector({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100, connections: 1, accessToken: 't', timeZone: 'Europe/Pariss' })).toThrow(
      'The CRM connector\'s "timeZone" must be an IANA time zone such as Europe/Paris, got "Europe/Pariss".',
    );
  });
});
