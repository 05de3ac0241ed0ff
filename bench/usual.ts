/**
 * The usual approach: what a team without an identity layer writes in a day. Apollo Server's
 * standalone server, one `@apollo/datasource-rest` data source per silo, and resolvers that
 * follow the customer from silo to silo by email on every request:
 *
 *   CRM contact by id  ->  loyalty members with that email  ->  tier
 *                      ->  shop customers with that email   ->  their orders
 *
 * It serves the gateway's own schema (schema/*.graphql), so that both answer the very same
 * operation. No identity cache, no DataLoader: a lookup chain per request, per customer. The data
 * sources share the server's cache and use RESTDataSource's default fetch, as Apollo's
 * documentation shows. Like the gateway's loyalty connector, it logs in to the loyalty program
 * once and keeps the tier names five minutes: reference data, not what is compared here.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type AugmentedRequest, type DataSourceConfig } from '@apollo/datasource-rest';
import { GraphQLError } from 'graphql';
import type { GatewayConfig } from '../src/server/config.js';
import { DateScalar, DateTimeScalar } from '../src/graphql/scalars.js';
import { loadTypeDefs } from '../src/server/server.js';

type Silos = GatewayConfig['silos'];

interface HubSpotContact {
  id: string;
  properties: { email?: string | null; firstname?: string | null; lastname?: string | null };
}
interface Member {
  customerId: string;
  levelId?: string | null;
}
interface ShopCustomer {
  id: number;
}
interface ShopOrder {
  name: string;
  created_at: string;
  total_price: string;
}

class CrmAPI extends RESTDataSource {
  constructor(
    private readonly silo: Silos['crm'],
    config: DataSourceConfig,
  ) {
    super(config);
    this.baseURL = silo.baseUrl;
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.headers['authorization'] = `Bearer ${this.silo.accessToken}`;
  }

  async contact(id: string): Promise<HubSpotContact | null> {
    const body = await this.post<{ results: HubSpotContact[] }>('/crm/v3/objects/contacts/batch/read', {
      body: { properties: ['email', 'firstname', 'lastname'], inputs: [{ id }] },
    });
    return body.results[0] ?? null;
  }
}

class LoyaltyAPI extends RESTDataSource {
  constructor(
    private readonly silo: Silos['loyalty'],
    private readonly token: string,
    config: DataSourceConfig,
  ) {
    super(config);
    this.baseURL = silo.baseUrl;
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.headers['authorization'] = `Bearer ${this.token}`;
  }

  async membersByEmail(email: string): Promise<Member[]> {
    const body = await this.get<{ items: Member[] }>(`/api/${this.silo.storeCode}/member`, { params: { email } });
    return body.items;
  }

  async tiers(): Promise<Array<{ levelId: string; name: string }>> {
    const body = await this.get<{ items: Array<{ levelId: string; name: string }> }>(`/api/${this.silo.storeCode}/tier`, {
      params: { _itemsOnPage: '100' },
    });
    return body.items;
  }
}

class ShopAPI extends RESTDataSource {
  constructor(
    private readonly silo: Silos['commerce'],
    config: DataSourceConfig,
  ) {
    super(config);
    this.baseURL = silo.baseUrl;
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.headers['x-shopify-access-token'] = this.silo.accessToken;
  }

  async customersByEmail(email: string): Promise<ShopCustomer[]> {
    const body = await this.get<{ customers: ShopCustomer[] }>(`/admin/api/${this.silo.apiVersion}/customers/search.json`, {
      params: { query: `email:"${email}"` },
    });
    return body.customers;
  }

  async orders(customerId: number, limit: number): Promise<ShopOrder[]> {
    const body = await this.get<{ orders: ShopOrder[] }>(`/admin/api/${this.silo.apiVersion}/orders.json`, {
      params: { customer_id: String(customerId), status: 'any', limit: String(limit) },
    });
    return body.orders;
  }
}

interface Context extends BaseContext {
  dataSources: { crm: CrmAPI; loyalty: LoyaltyAPI; shop: ShopAPI };
}

interface CustomerParent {
  id: string;
  contact: HubSpotContact;
}

export interface Usual {
  url: string;
  /** Operations that ended with errors. */
  failures(): number;
  close(): Promise<void>;
}

export async function startUsual(options: { silos: Silos }): Promise<Usual> {
  const { silos } = options;
  // One login at start; the token lasts an hour, longer than any run.
  const login = await fetch(new URL('/api/admin/login_check', silos.loyalty.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: silos.loyalty.username, password: silos.loyalty.password }),
  });
  const { token } = (await login.json()) as { token: string };
  let tierCache: { names: Map<string, string>; until: number } | null = null;

  async function tierName(ctx: Context, levelId: string | null | undefined): Promise<string | null> {
    if (!levelId) return null;
    if (!tierCache || Date.now() >= tierCache.until) {
      const tiers = await ctx.dataSources.loyalty.tiers();
      tierCache = { names: new Map(tiers.map((t) => [t.levelId, t.name])), until: Date.now() + 5 * 60_000 };
    }
    return tierCache.names.get(levelId) ?? null;
  }

  async function customer(id: string, ctx: Context): Promise<CustomerParent | null> {
    if (!id.startsWith('crm:')) throw new GraphQLError('This server looks customers up by CRM id only: crm:<id>.');
    const contact = await ctx.dataSources.crm.contact(id.slice(4));
    return contact ? { id, contact } : null;
  }

  const emailOf = (c: CustomerParent): string | null => c.contact.properties.email?.trim() || null;

  const resolvers = {
    DateTime: DateTimeScalar,
    Date: DateScalar,
    Query: {
      customer: (_: unknown, args: { id: string }, ctx: Context) => customer(args.id, ctx),
      customers: (_: unknown, args: { ids: string[] }, ctx: Context) => Promise.all(args.ids.map((id) => customer(id, ctx))),
    },
    Customer: {
      id: (c: CustomerParent) => c.id,
      crm: (c: CustomerParent) => [
        {
          id: c.contact.id,
          firstName: c.contact.properties.firstname || null,
          lastName: c.contact.properties.lastname || null,
          email: c.contact.properties.email || null,
        },
      ],
      loyalty: async (c: CustomerParent, _: unknown, ctx: Context) => {
        const email = emailOf(c);
        if (!email) return [];
        const members = await ctx.dataSources.loyalty.membersByEmail(email);
        return Promise.all(members.map(async (m) => ({ id: m.customerId, tier: await tierName(ctx, m.levelId) })));
      },
      commerce: async (c: CustomerParent, _: unknown, ctx: Context) => {
        const email = emailOf(c);
        if (!email) return [];
        return ctx.dataSources.shop.customersByEmail(email);
      },
    },
    CommerceCustomer: {
      id: (c: ShopCustomer) => String(c.id),
      orders: async (c: ShopCustomer, args: { limit: number }, ctx: Context) =>
        (await ctx.dataSources.shop.orders(c.id, args.limit)).map((o) => ({
          name: o.name,
          createdAt: new Date(o.created_at).toISOString(),
          totalPrice: Number(o.total_price),
        })),
    },
  };

  let failures = 0;
  const server = new ApolloServer<Context>({
    typeDefs: loadTypeDefs(),
    resolvers,
    plugins: [
      {
        async requestDidStart() {
          return {
            async didEncounterErrors() {
              failures += 1;
            },
          };
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async () => {
      const { cache } = server;
      return {
        dataSources: {
          crm: new CrmAPI(silos.crm, { cache }),
          loyalty: new LoyaltyAPI(silos.loyalty, token, { cache }),
          shop: new ShopAPI(silos.commerce, { cache }),
        },
      };
    },
  });
  return { url, failures: () => failures, close: () => server.stop() };
}
