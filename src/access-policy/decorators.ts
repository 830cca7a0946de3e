import { Extensions } from 'type-graphql';
import type { SensitivityClass } from './vocabulary';
import type { ScopedList } from './relationships';

/** Declares a field's sensitivity class; the field guard releases or redacts it by policy. */
export const Sensitive = (cls: SensitivityClass): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ sensitivity: cls });

/** Declares that no field of a type carries personal data (e.g. page info, agencies, metrics). */
export const NonPersonal = (): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ access: 'NON_PERSONAL' });

/**
 * Declares that an input field filters, sorts or searches on fields of `cls` (`on`: their schema
 * coordinates). The filter guard (filter-policy.ts) refuses it to a viewer who may not read `cls`.
 * `rows`: the list whose row scope it narrows, when an allow rule conditioned on a relationship that
 * scope gives every row may count (`relationshipsOfEveryRow`, relationships.ts).
 */
export const Filters = (cls: SensitivityClass, on: string, rows?: ScopedList): PropertyDecorator =>
  Extensions({ filters: { cls, on, ...(rows ? { rows } : {}) } });
