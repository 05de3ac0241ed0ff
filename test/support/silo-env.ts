/** The demo silos' settings as environment variables, for tests that start a process against them. */
import { DEMO_CREDENTIALS, type DemoSilos } from '../../demo/silos.js';

/** The settings of the four silos, as an operator would write them for real products. */
export function siloEnv(demo: DemoSilos): Record<string, string> {
  const c = DEMO_CREDENTIALS;
  return {
    CRM_BASE_URL: demo.silos.crm.baseUrl,
    CRM_ACCESS_TOKEN: c.crmAccessToken,
    LOYALTY_BASE_URL: demo.silos.loyalty.baseUrl,
    LOYALTY_USERNAME: c.loyaltyUsername,
    LOYALTY_PASSWORD: c.loyaltyPassword,
    COMMERCE_BASE_URL: demo.silos.commerce.baseUrl,
    COMMERCE_ACCESS_TOKEN: c.commerceAccessToken,
    ANALYTICS_BASE_URL: demo.silos.analytics.baseUrl,
    ANALYTICS_TOKEN_AUTH: c.analyticsTokenAuth,
    // The app is the demo's second Matomo site: without it, app-only devices are not found.
    ...(demo.silos.analytics.appSiteId === null ? {} : { ANALYTICS_APP_SITE_ID: String(demo.silos.analytics.appSiteId) }),
  };
}
