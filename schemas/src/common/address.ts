import { z } from 'zod';
import { boundedText } from './scalars.js';

/** A postal shipping address. */
export const Address = z.strictObject({
  name: boundedText(200),
  line1: boundedText(200),
  line2: boundedText(200).optional(),
  city: boundedText(100),
  region: boundedText(100).optional(),
  postalCode: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,15}$/, 'must be a postal code'),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{4,24}$/, 'must be a phone number')
    .optional(),
});
export type Address = z.infer<typeof Address>;
