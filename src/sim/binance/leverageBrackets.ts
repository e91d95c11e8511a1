/** Leverage brackets served for every USD-M symbol. */
export const SIM_LEVERAGE_BRACKETS = [
  {
    bracket: 1,
    initialLeverage: 125,
    notionalCap: 50_000,
    notionalFloor: 0,
    maintMarginRatio: 0.004,
    cum: 0,
  },
  {
    bracket: 2,
    initialLeverage: 100,
    notionalCap: 600_000,
    notionalFloor: 50_000,
    maintMarginRatio: 0.005,
    cum: 50,
  },
  {
    bracket: 3,
    initialLeverage: 50,
    notionalCap: 3_000_000,
    notionalFloor: 600_000,
    maintMarginRatio: 0.01,
    cum: 3050,
  },
  {
    bracket: 4,
    initialLeverage: 20,
    notionalCap: 12_000_000,
    notionalFloor: 3_000_000,
    maintMarginRatio: 0.025,
    cum: 48_050,
  },
] as const
