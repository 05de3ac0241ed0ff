import { describe, expect, it } from 'vitest';
import { canonicalMailbox, hasSubAddressing, mailboxSpellings, taggedPrefix } from './mailbox.js';

describe('mailbox', () => {
  it('folds what the providers document, and nothing else', () => {
    expect(canonicalMailbox(' Francois.Masson19+Shop@GoogleMail.com. ')).toBe('francois.masson19@gmail.com');
    expect(canonicalMailbox('sales+eu@maison-cassel.fr')).toBe('sales+eu@maison-cassel.fr');
    expect(canonicalMailbox('anna-shop@yahoo.com')).toBe('anna-shop@yahoo.com');
    expect(canonicalMailbox('f.masson@gmail.com')).toBe('f.masson@gmail.com');
    expect(canonicalMailbox('+tag@gmail.com')).toBe('+tag@gmail.com');
  });

  it('lists the exact spellings of a mailbox and the prefix of its tagged ones', () => {
    expect(mailboxSpellings('lea@gmail.com')).toEqual(['lea@gmail.com', 'lea@gmail.com.', 'lea@googlemail.com', 'lea@googlemail.com.']);
    expect(mailboxSpellings('lea@example.com')).toEqual(['lea@example.com', 'lea@example.com.']);
    expect(taggedPrefix('lea@outlook.com')).toBe('lea+');
    expect(taggedPrefix('lea@example.com')).toBeNull();
    expect(hasSubAddressing('lea@proton.me')).toBe(true);
  });
});
