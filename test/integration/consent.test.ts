/**
 * Consent and preferences through real HTTP: the decisions each silo's simulator serves as its
 * product does (HubSpot's opt-out, Open Loyalty's agreements, Shopify's email and SMS consent),
 * the golden consent across silos (the most recent decision wins, a withdrawal beats an older
 * grant), the profiling gate on every personalization output (CONSENT_REQUIRED at the field,
 * the rest standing), and the preferences, on customers planted in the population.
 */
import { describe, expect, it } from 'vitest';
import type { OpenLoyaltyTransaction, Population } from '../../connectors/population.js';
import { cdnowModel } from '../../src/insights/clv/fixtures/cdnow-model.js';
import { compileSegments, type CompiledSegment } from '../../src/insights/segments/index.js';
import { PopulationEdit } from '../support/population-edit.js';
import { useStack } from '../support/stack.js';

const NOW = Date.parse('2026-11-01T12:00:00.000Z');
const compiled = compileSegments([
  { name: 'buyers', description: 'Bought at least once.', rule: 'lifecycle.stage != "registered"' },
  { name: 'email-marketable', description: 'May get marketing by email.', rule: 'consent.emailMarketing' },
  { name: 'sms-marketable', description: 'May get marketing by SMS.', rule: 'consent.smsMarketing' },
]);
const SEGMENTS: CompiledSegment[] = compiled.ok ? compiled.segments : [];

const email = (name: string): string => `consent-${name}@consent.test`;

function receipt(memberId: string, n: number, store: string, category: string, purchasedAt: string): OpenLoyaltyTransaction {
  return {
    transactionId: `2b000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    customerId: memberId,
    header: { documentNumber: `CS-${n}`, documentType: 'sell', purchasedAt, purchasePlace: store },
    items: [{ sku: { code: `SK-${n}` }, name: 'Item', quantity: 1, grossValue: 40, category, maker: null }],
    grossValue: 40,
    currency: 'EUR',
  };
}

function withConsentCustomers(population: Population): Population {
  const edit = new PopulationEdit(population);
  // HubSpot opted out (no later than 2026-05-01) after the shop's subscription of 2026-02-01; SMS subscribed in the shop.
  edit.person([
    edit.contact({ email: email('crm-optout'), hs_email_optout: 'true' }, { createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2026-05-01T00:00:00.000Z' }),
    edit.shopCustomer({
      email: email('crm-optout'),
      phone: '+33611223344',
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2026-02-01T00:00:00.000Z' },
      sms_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-03-01T00:00:00.000Z', consent_collected_from: 'SHOPIFY' },
    }),
  ]);
  // The loyalty program's marketing agreement (no later than 2026-01-01), then a shop unsubscription on 2026-04-01.
  edit.person([
    edit.member({ email: email('shop-withdrawal'), agreement2: true, agreement3: true, updatedAt: '2026-01-01T00:00:00.000Z' }),
    edit.shopCustomer({ email: email('shop-withdrawal'), email_marketing_consent: { state: 'unsubscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-04-01T00:00:00.000Z' } }),
  ]);
  // A loyalty refusal (no later than 2025-01-01), then a shop subscription certainly after it.
  edit.person([
    edit.member({ email: email('regrant'), agreement2: false, updatedAt: '2025-01-01T00:00:00.000Z' }),
    edit.shopCustomer({ email: email('regrant'), email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-06-01T00:00:00.000Z' } }),
  ]);
  // A loyalty refusal that may follow the shop's subscription: the withdrawal wins the doubt.
  edit.person([
    edit.member({ email: email('doubt'), agreement2: false, updatedAt: '2026-09-01T00:00:00.000Z' }),
    edit.shopCustomer({ email: email('doubt'), email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-06-01T00:00:00.000Z' } }),
  ]);
  // Profiling refused in the loyalty program, with purchases; and one who agreed, with the same purchases.
  for (const [name, agreement3] of [['no-profiling', false], ['profiling', true]] as const) {
    const member = edit.member({ email: email(name), agreement3, createdAt: '2026-01-01T00:00:00.000Z' });
    const contact = edit.contact({ email: email(name), hs_language: 'fr' });
    edit.person([member, contact]);
    const n = name === 'profiling' ? 10 : 20;
    edit.population.loyalty.transactions.push(
      receipt(member.id, n + 1, 'Lyon Part-Dieu', 'outerwear', '2026-06-01T10:00:00.000Z'),
      receipt(member.id, n + 2, 'Lyon Part-Dieu', 'shoes', '2026-07-01T10:00:00.000Z'),
      receipt(member.id, n + 3, 'Paris Opéra', 'outerwear', '2026-08-01T10:00:00.000Z'),
    );
  }
  // HubSpot's communication preferences: resubscribed on 2026-07-01 after a shop unsubscription of 2026-03-01.
  edit.person([
    edit.contact({ email: email('resubscribed') }, { createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2026-07-02T00:00:00.000Z' }),
    edit.shopCustomer({ email: email('resubscribed'), email_marketing_consent: { state: 'unsubscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-03-01T00:00:00.000Z' } }),
  ]);
  (edit.population.crm.subscriptionStatuses ??= []).push({
    subscriberIdString: email('resubscribed'),
    channel: 'EMAIL',
    subscriptionId: 9001,
    subscriptionName: 'Marketing Information',
    status: 'SUBSCRIBED',
    source: 'Form submission',
    timestamp: '2026-07-01T00:00:00.000Z',
    legalBasis: 'CONSENT_WITH_NOTICE',
    legalBasisExplanation: null,
  });
  // No profiling decision at all.
  edit.person([edit.member({ email: email('undecided') })]);
  // A loyalty refusal reachable only through the CRM: the member has the contact's phone and no
  // email; the shop account has the email and no phone. Asked by the shop id with the CRM down,
  // the member is not found: its refusal is unknown, not absent.
  const linkedMember = edit.member({ phone: '+33655443322', agreement3: false, createdAt: '2026-01-01T00:00:00.000Z' });
  edit.person([
    edit.contact({ email: email('linked-refusal'), phone: '+33655443322' }),
    linkedMember,
    edit.shopCustomer({ id: 990001, email: email('linked-refusal') }),
  ]);
  edit.population.loyalty.transactions.push(receipt(linkedMember.id, 31, 'Lyon Part-Dieu', 'outerwear', '2026-06-01T10:00:00.000Z'));
  return edit.population;
}

const PURPOSE = 'status source recordId decidedAt notAfter evidence';

describe('Customer.consent across the silos', () => {
  const stack = useStack({ size: 60, prepare: withConsentCustomers, insights: { clvModel: cdnowModel(), segments: SEGMENTS, now: () => NOW } });
  const ask = async (name: string, selection: string) => {
    const { status, body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${selection} } }`, { id: `email:${email(name)}` });
    expect(status).toBe(200);
    return body;
  };
  const recordOf = (name: string, source: 'crm' | 'loyalty' | 'commerce'): string => {
    const population = stack.population;
    if (source === 'crm') return population.crm.contacts.find((c) => c.properties.email === email(name))!.id;
    if (source === 'loyalty') return population.loyalty.members.find((m) => m.email === email(name))!.customerId;
    return String(population.commerce.customers.find((c) => c.email === email(name))!.id);
  };

  it('keeps a HubSpot opt-out over an older Shopify subscription, and grants SMS from the shop', async () => {
    const body = await ask('crm-optout', `consent { emailMarketing { ${PURPOSE} provenance { rule candidates { source reason } } } smsMarketing { ${PURPOSE} } profiling { status } marketingChannels } marketingChannels`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer).toEqual({
      consent: {
        emailMarketing: {
          status: 'denied',
          source: 'crm',
          recordId: recordOf('crm-optout', 'crm'),
          decidedAt: null,
          notAfter: '2026-05-01T00:00:00.000Z',
          evidence: 'hs_email_optout = true',
          provenance: { rule: 'mostRecentDecision', candidates: [{ source: 'commerce', reason: 'withdrawalWins' }] },
        },
        smsMarketing: {
          status: 'granted',
          source: 'commerce',
          recordId: recordOf('crm-optout', 'commerce'),
          decidedAt: '2026-03-01T00:00:00.000Z',
          notAfter: null,
          evidence: 'sms_marketing_consent.state = subscribed',
        },
        profiling: { status: 'unknown' },
        marketingChannels: ['sms'],
      },
      marketingChannels: ['sms'],
    });
  });

  it('lets a Shopify unsubscription withdraw an older Open Loyalty marketing agreement, for email only', async () => {
    const body = await ask('shop-withdrawal', `consent { emailMarketing { ${PURPOSE} provenance { candidates { source recordId reason detail } } } smsMarketing { status source evidence } profiling { status evidence } }`);
    expect(body.errors).toBeUndefined();
    const { consent } = body.data!.customer;
    expect(consent.emailMarketing).toMatchObject({ status: 'denied', source: 'commerce', decidedAt: '2026-04-01T00:00:00.000Z', evidence: 'email_marketing_consent.state = unsubscribed' });
    expect(consent.emailMarketing.provenance.candidates).toEqual([
      {
        source: 'loyalty',
        recordId: recordOf('shop-withdrawal', 'loyalty'),
        reason: 'older',
        detail: `A later decision (commerce:${recordOf('shop-withdrawal', 'commerce')} email_marketing_consent.state = unsubscribed, at 2026-04-01T00:00:00.000Z) supersedes it.`,
      },
    ]);
    expect(consent.smsMarketing).toEqual({ status: 'granted', source: 'loyalty', evidence: 'agreement2 = true' });
    expect(consent.profiling).toEqual({ status: 'granted', evidence: 'agreement3 = true' });
  });

  it("reads HubSpot's communication preferences: a dated resubscription after a shop unsubscription grants", async () => {
    const body = await ask('resubscribed', 'consent { emailMarketing { status source recordId decidedAt evidence provenance { candidates { source reason } } } } marketingChannels');
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer).toEqual({
      consent: {
        emailMarketing: {
          status: 'granted',
          source: 'crm',
          recordId: recordOf('resubscribed', 'crm'),
          decidedAt: '2026-07-01T00:00:00.000Z',
          evidence: 'Marketing Information = SUBSCRIBED',
          provenance: { candidates: [{ source: 'commerce', reason: 'older' }] },
        },
      },
      marketingChannels: ['email'],
    });
  });

  it('grants again on a shop subscription certainly after a loyalty refusal, and keeps the refusal when it may be later', async () => {
    const regrant = await ask('regrant', 'consent { emailMarketing { status source } } marketingChannels');
    expect(regrant.data!.customer).toEqual({ consent: { emailMarketing: { status: 'granted', source: 'commerce' } }, marketingChannels: ['email'] });
    const doubt = await ask('doubt', 'consent { emailMarketing { status source notAfter } } marketingChannels');
    expect(doubt.data!.customer).toEqual({ consent: { emailMarketing: { status: 'denied', source: 'loyalty', notAfter: '2026-09-01T00:00:00.000Z' } }, marketingChannels: [] });
  });

  it("lets a segment's consent features read the golden consent: the same decision as Customer.consent", async () => {
    const outcomes: Record<string, unknown> = {};
    for (const name of ['resubscribed', 'doubt', 'crm-optout', 'regrant']) {
      const body = await ask(name, 'consent { emailMarketing { status } smsMarketing { status } } email: inSegment(name: "email-marketable") sms: inSegment(name: "sms-marketable")');
      expect(body.errors).toBeUndefined();
      outcomes[name] = body.data!.customer;
    }
    expect(outcomes).toEqual({
      // A dated HubSpot resubscription after the shop's unsubscription: in, though the shop's own flag says unsubscribed.
      resubscribed: { consent: { emailMarketing: { status: 'granted' }, smsMarketing: { status: 'unknown' } }, email: true, sms: false },
      // A loyalty refusal that may follow the shop's subscription: out, though the shop's own flag says subscribed.
      doubt: { consent: { emailMarketing: { status: 'denied' }, smsMarketing: { status: 'denied' } }, email: false, sms: false },
      'crm-optout': { consent: { emailMarketing: { status: 'denied' }, smsMarketing: { status: 'granted' } }, email: false, sms: true },
      regrant: { consent: { emailMarketing: { status: 'granted' }, smsMarketing: { status: 'denied' } }, email: true, sms: false },
    });
  });

  it('withholds every personalization output of a customer who refused profiling, with CONSENT_REQUIRED at each field, and the rest stands', async () => {
    const body = await ask(
      'no-profiling',
      'email loyalty { tier } consent { profiling { status evidence } } segments { name } inSegment(name: "buyers") lifecycle { stage } clv { pAlive } rfm { frequency } preferences { language }',
    );
    const { customer } = body.data!;
    expect(customer).toMatchObject({ email: email('no-profiling'), consent: { profiling: { status: 'denied', evidence: 'agreement3 = false' } } });
    expect(customer.loyalty[0].tier).toEqual(expect.any(String));
    expect([customer.segments, customer.inSegment, customer.lifecycle, customer.clv, customer.rfm, customer.preferences]).toEqual([null, null, null, null, null, null]);
    expect(body.errors!.map((e) => [e.path!.at(-1), e.extensions!['code'], e.extensions!['status']])).toEqual([
      ['segments', 'CONSENT_REQUIRED', 'denied'],
      ['inSegment', 'CONSENT_REQUIRED', 'denied'],
      ['lifecycle', 'CONSENT_REQUIRED', 'denied'],
      ['clv', 'CONSENT_REQUIRED', 'denied'],
      ['rfm', 'CONSENT_REQUIRED', 'denied'],
      ['preferences', 'CONSENT_REQUIRED', 'denied'],
    ]);
    expect(body.errors![0]!.message).toBe('Personalization is withheld: the customer refused profiling. Customer.consent.profiling says where the decision comes from.');
  });

  it('fails closed when the loyalty program, which holds the profiling decision, is down: CONSENT_REQUIRED, not a profile of someone who may have refused', async () => {
    const { loyalty } = stack.demo.simulators;
    await loyalty.setFault({ kind: 'down' });
    try {
      const body = await ask('no-profiling', 'email consent { profiling { status } } lifecycle { stage } segments { name }');
      expect(body.data!.customer).toEqual({ email: email('no-profiling'), consent: { profiling: { status: 'unknown' } }, lifecycle: null, segments: null });
      const withheld = body.errors!.filter((e) => e.extensions!['code'] === 'CONSENT_REQUIRED');
      expect(withheld.map((e) => [e.path!.at(-1), e.extensions!['status'], e.message])).toEqual([
        ['lifecycle', 'unknown', "Personalization is withheld: the customer's profiling consent could not be read (loyalty failed), and a refusal it may hold is never overridden. Customer.consent.profiling says where the decision comes from."],
        ['segments', 'unknown', "Personalization is withheld: the customer's profiling consent could not be read (loyalty failed), and a refusal it may hold is never overridden. Customer.consent.profiling says where the decision comes from."],
      ]);
    } finally {
      await loyalty.setFault({ kind: 'none' });
    }
  });

  it('fails closed when the silo that links the refusing loyalty member is down: its refusal is unknown, not absent', async () => {
    const { crm } = stack.demo.simulators;
    const selection = 'resolution { complete } consent { profiling { status } } lifecycle { stage } rfm { frequency } segments { name } inSegment(name: "buyers")';
    // Asked first with the CRM down (a partial resolution is not cached), then with every silo.
    await crm.setFault({ kind: 'down' });
    try {
      const { body } = await stack.query(`query ($id: ID!) { customer(id: $id) { ${selection} } }`, { id: 'commerce:990001' });
      // The gate used to open here (no member found, no decision, nothing failed in its eyes) and served a profile.
      expect(body.data!.customer).toEqual({ resolution: { complete: false }, consent: { profiling: { status: 'unknown' } }, lifecycle: null, rfm: null, segments: null, inSegment: null });
      expect(body.errors!.filter((e) => e.extensions!['code'] === 'CONSENT_REQUIRED').map((e) => [e.path!.at(-1), e.extensions!['status']])).toEqual([
        ['lifecycle', 'unknown'],
        ['rfm', 'unknown'],
        ['segments', 'unknown'],
        ['inSegment', 'unknown'],
      ]);
    } finally {
      await crm.setFault({ kind: 'none' });
    }
    const everyone = await stack.query(`query ($id: ID!) { customer(id: $id) { ${selection} } }`, { id: 'commerce:990001' });
    expect(everyone.body.data!.customer).toMatchObject({ resolution: { complete: true }, consent: { profiling: { status: 'denied' } }, lifecycle: null });
  });

  it("tells a client that may not read the consent only that consent withholds the field, not what the customer decided", async () => {
    const query = 'query ($id: ID!) { customer(id: $id) { rfm { frequency } clv { pAlive } } }';
    // By record id: an email lookup needs pii:read.
    const { status, body } = await stack.postAs(['insights:read'], query, { id: `crm:${recordOf('no-profiling', 'crm')}` });
    expect(status).toBe(200);
    expect(body.data!.customer).toEqual({ rfm: null, clv: null });
    expect(body.errors).toHaveLength(2);
    // It used to say "the customer refused profiling" with status "denied": Customer.consent, which this client may not read.
    for (const error of body.errors!) {
      expect(error.extensions).toEqual({ code: 'CONSENT_REQUIRED', purpose: 'profiling' });
      expect(error.message).toBe("Personalization is withheld under the customer's profiling consent. Customer.consent.profiling says why, to a client with the profile:read scope.");
    }
  });

  it('refuses a wrong argument of a withheld field as the mistake it is, not as the consent: an unknown segment, a window out of range', async () => {
    const body = await ask('no-profiling', 'inSegment(name: "nope") rfm(windowDays: 0) { frequency } lifecycle { stage }');
    // The unknown segment used to be hidden behind CONSENT_REQUIRED: a client asking only for refusers never heard its name was wrong.
    expect(body.errors!.map((e) => [e.path!.at(-1), e.extensions!['code']])).toEqual([
      ['inSegment', 'BAD_USER_INPUT'],
      ['rfm', 'BAD_USER_INPUT'],
      ['lifecycle', 'CONSENT_REQUIRED'],
    ]);
    expect(body.errors![0]!.message).toBe('Unknown segment "nope". The segments are: buyers, email-marketable, sms-marketable.');
  });

  it('never reads the purchases of a customer whose personalization is withheld', async () => {
    const { loyalty } = stack.demo.simulators;
    await ask('no-profiling', 'id');
    loyalty.resetStats();
    await ask('no-profiling', 'lifecycle { stage } rfm { frequency }');
    expect(loyalty.stats().byRoute).toEqual({ 'member.list': 1 });
  });

  it('answers the same outputs for a customer who agreed, and for one without any decision (PROFILING_CONSENT=denied)', async () => {
    const agreed = await ask('profiling', 'segments { name } lifecycle { stage } rfm { frequency }');
    expect(agreed.errors).toBeUndefined();
    expect(agreed.data!.customer).toEqual({ segments: [{ name: 'buyers' }], lifecycle: { stage: 'repeat' }, rfm: { frequency: 3 } });
    const undecided = await ask('undecided', 'lifecycle { stage } consent { profiling { status } }');
    expect(undecided.errors).toBeUndefined();
    expect(undecided.data!.customer).toEqual({ lifecycle: { stage: 'registered' }, consent: { profiling: { status: 'unknown' } } });
  });

  it('derives the preferences live: the golden language, the channel, categories and store of most purchases', async () => {
    const body = await ask('profiling', 'preferences { language preferredChannel favouriteCategories favouriteStore partial }');
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer.preferences).toEqual({ language: 'fr', preferredChannel: 'store', favouriteCategories: ['outerwear', 'shoes'], favouriteStore: 'Lyon Part-Dieu', partial: false });
  });
});

describe('PROFILING_CONSENT=granted', () => {
  const stack = useStack({
    size: 60,
    prepare: withConsentCustomers,
    settings: (settings) => ({ ...settings, insights: { ...settings.insights, profilingConsent: 'granted' } }),
    insights: { now: () => NOW },
  });

  it('withholds personalization unless profiling is granted', async () => {
    const undecided = await stack.query('query ($id: ID!) { customer(id: $id) { email lifecycle { stage } } }', { id: `email:${email('undecided')}` });
    expect(undecided.body.data!.customer).toEqual({ email: email('undecided'), lifecycle: null });
    expect(undecided.body.errors!.map((e) => [e.extensions!['code'], e.extensions!['status'], e.message])).toEqual([
      ['CONSENT_REQUIRED', 'unknown', 'Personalization is withheld: the customer has not granted profiling, and PROFILING_CONSENT=granted needs a grant. Customer.consent.profiling says where the decision comes from.'],
    ]);
    const agreed = await stack.query('query ($id: ID!) { customer(id: $id) { lifecycle { stage } } }', { id: `email:${email('profiling')}` });
    expect(agreed.body.errors).toBeUndefined();
    expect(agreed.body.data!.customer).toEqual({ lifecycle: { stage: 'repeat' } });
  });
});
