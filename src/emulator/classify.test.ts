import { expect, test } from 'vitest'
import { classifyRequest, normalisePath } from './classify.ts'

test.each([
  ['/v0/app1/Tasks/', '/v0/app1/Tasks'],
  ['//v0/app1//Tasks', '/v0/app1/Tasks'],
  ['/', '/'],
])('normalisePath(%s) = %s', (input, output) => {
  expect(normalisePath(input)).toBe(output)
})

test.each([
  ['GET', '/v0/app1/Tasks', 'records.list', 'app1', false],
  ['POST', '/v0/app1/Tasks/listRecords', 'records.list', 'app1', false],
  ['POST', '/v0/app1/Tasks', 'records.create', 'app1', true],
  ['PATCH', '/v0/app1/Tasks', 'records.update', 'app1', true],
  ['PUT', '/v0/app1/Tasks/rec1', 'records.update', 'app1', true],
  ['DELETE', '/v0/app1/Tasks/rec1', 'records.delete', 'app1', true],
  ['GET', '/v0/app1/Tasks/rec1', 'records.get', 'app1', false],
  ['GET', '/v0/meta/whoami', 'meta.whoami', undefined, false],
  ['GET', '/v0/meta/bases', 'meta.bases', undefined, false],
  ['GET', '/v0/meta/bases/app1/tables', 'meta.schema', 'app1', false],
  ['POST', '/v0/meta/bases/app1/tables', 'meta.createTable', 'app1', true],
  ['PATCH', '/v0/meta/bases/app1/tables/tbl1', 'meta.updateTable', 'app1', true],
  ['POST', '/v0/meta/bases/app1/tables/tbl1/fields', 'meta.createField', 'app1', true],
  ['PATCH', '/v0/meta/bases/app1/tables/tbl1/fields/fld1', 'meta.updateField', 'app1', true],
  ['POST', '/v0/bases/app1/webhooks', 'webhooks', 'app1', true],
  ['GET', '/v0/bases/app1/webhooks/ach1/payloads', 'webhooks', 'app1', false],
  ['GET', '/__emulator/stats', 'control', undefined, false],
  ['GET', '/elsewhere', 'unknown', undefined, false],
  ['GET', '/v0/app1/Tasks/rec1/extra/more', 'unknown', undefined, false],
])('%s %s is %s', (...row) => {
  const [method, path, endpoint, baseId, isWrite] = row
  const c = classifyRequest(method, path)
  expect(c.endpoint).toBe(endpoint)
  expect(c.baseId).toBe(baseId)
  expect(c.isWrite).toBe(isWrite)
})
