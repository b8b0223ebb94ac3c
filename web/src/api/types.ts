// Names for the API's shapes, generated from openapi/openapi.json (`npm run gen:api`).
import type { components } from './schema';

type S = components['schemas'];
export type User = S['User'];
export type Org = S['Org'];
export type OrgView = S['OrgView'];
export type Me = S['Me'];
export type LoginResponse = S['LoginResponse'];
export type SubmissionReport = S['SubmissionReport'];
export type SubmissionMeta = S['SubmissionMeta'];
export type Issue = S['Issue'];
export type Inventory = S['Inventory'];
export type LicenceLine = S['LicenceLine'];
export type SubmissionDiff = S['SubmissionDiff'];
export type InvoiceView = S['InvoiceView'];
export type RunResponse = S['RunResponse'];
export type ImportReport = S['ImportReport'];
export type CostShareTable = S['CostShareTable'];
export type VendorCatalogueView = S['VendorCatalogueView'];
export type VendorAlias = S['VendorAlias'];
export type CreateOrgRequest = S['CreateOrgRequest'];
export type UpdateOrgRequest = S['UpdateOrgRequest'];
export type CreateUserRequest = S['CreateUserRequest'];
export type Role = User['role'];
