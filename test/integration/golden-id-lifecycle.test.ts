/**
 * The README's "Golden id" section, through real HTTP: what an id answers once its anchor record
 * is deleted in its silo, or once an older CRM contact joins the customer and becomes the anchor.
 *
 * A silo's population is fixed while its simulator runs, so each state of the silos is a stack of
 * its own, built from one population edited three ways; the golden id a client kept from the
 * first state is asked of the others, as a client would ask a replica later on.
 */
import { describe, expect, it } from 'vitest';
import type { Population } from '../../connectors/population.js';
import { PopulationEdit } from '../support/population-edit.js';
import { askCustomer, resolvedCustomer, useStack } from '../support/stack.js';

const EMAIL = 'maelle.ropars@example.org';
const NAME = { firstname: 'Maëlle', lastname: 'Ropars' };
const QUERY = `query ($id: ID!) { customer(id: $id) { id resolution { complete } sourceRecords { key } } }`;

interface Answer {
  id: string;
  resolution: { complete: boolean };
  sourceRecords: Array<{ key: string }>;
}

// Golden ids written out by hand: `cus_` + base64url of `1|<source>|<record id>`.
const ANCHORED_ON_CRM_90001 = 'cus_MXxjcm18OTAwMDE';
const ANCHORED_ON_CRM_90002 = 'cus_MXxjcm18OTAwMDI';
const ANCHORED_ON_SHOP_990001 = 'cus_MXxjb21tZXJjZXw5OTAwMDE';

/**
 * The customer: CRM contact 90002 and shop customer 990001 share her email. CRM contact 90001 is
 * an older contact of hers; `oldContact` says what it holds (its email, or nothing: deleted), and
 * `newContact` whether contact 90002 still exists.
 */
function population(oldContactEmail: string, newContact: boolean) {
  return (generated: Population): Population => {
    const edit = new PopulationEdit(generated);
    const records = [
      edit.contact({ ...NAME, email: oldContactEmail }, { id: '90001' }),
      ...(newContact ? [edit.contact({ ...NAME, email: EMAIL }, { id: '90002' })] : []),
      edit.shopCustomer({ id: 990001, first_name: NAME.firstname, last_name: NAME.lastname, email: EMAIL }),
    ];
    edit.person(records);
    return edit.population;
  };
}

describe('golden id, before any change: anchored on the CRM contact', () => {
  const stack = useStack({ size: 60, prepare: population('m.ropars.1998@example.net', true) });

  it('gives the customer of contact 90002 and shop customer 990001 the id anchored on contact 90002', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, `email:${EMAIL}`);
    expect(customer.id).toBe(ANCHORED_ON_CRM_90002);
    expect(customer.sourceRecords).toEqual([{ key: 'crm:90002' }, { key: 'commerce:990001' }]);
  });
});

describe('golden id after its anchor is deleted in its silo', () => {
  const stack = useStack({ size: 60, prepare: population('m.ropars.1998@example.net', false) });

  it('answers CUSTOMER_NOT_FOUND for the old id, saying to look the customer up by another identifier', async () => {
    const { answer, body } = await askCustomer<Answer>(stack, QUERY, ANCHORED_ON_CRM_90002);
    expect(answer).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions!.code).toBe('CUSTOMER_NOT_FOUND');
    expect(body.errors![0]!.path).toEqual(['customer']);
    expect(body.errors![0]!.message).toContain('Look the customer up again by another identifier');
  });

  it('gives the customer, asked by another identifier, a new golden id anchored on what is left', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, `email:${EMAIL}`);
    expect(customer.id).toBe(ANCHORED_ON_SHOP_990001);
    expect(customer.sourceRecords).toEqual([{ key: 'commerce:990001' }]);
  });
});

describe('golden id after an older CRM contact joins the customer', () => {
  // Contact 90001 now holds her email too: the customer has two contacts, the smaller id anchors it.
  const stack = useStack({ size: 60, prepare: population(EMAIL, true) });
  const BOTH_CONTACTS = [{ key: 'crm:90001' }, { key: 'crm:90002' }, { key: 'commerce:990001' }];

  it('answers the old id (anchored on contact 90002) with the customer and its new id', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, ANCHORED_ON_CRM_90002);
    expect(customer.id).toBe(ANCHORED_ON_CRM_90001);
    expect(customer.resolution.complete).toBe(true);
    expect(customer.sourceRecords).toEqual(BOTH_CONTACTS);
  });

  it('answers the new id (anchored on contact 90001) with the same customer', async () => {
    const customer = await resolvedCustomer<Answer>(stack, QUERY, ANCHORED_ON_CRM_90001);
    expect(customer.id).toBe(ANCHORED_ON_CRM_90001);
    expect(customer.sourceRecords).toEqual(BOTH_CONTACTS);
  });
});
