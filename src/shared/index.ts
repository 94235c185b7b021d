export { assert, must, unreachable, AssertionError } from './assert.ts'
export { sleep } from './sleep.ts'
export { systemClock, ManualClock, type Clock } from './clock.ts'
export type { Service } from './service.ts'
