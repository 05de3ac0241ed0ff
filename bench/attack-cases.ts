/** The cases of `npm run attack` (bench/attack.ts), in the order they run and print: one line each, `attack <case>: ...`. */
export const ATTACK_CASES = ['customers-1mb', 'aliased-customer', 'long-email', 'long-golden-id', 'health-hits', 'throughput', 'subscription', 'silo-body'] as const;
