import { Extensions } from 'type-graphql';
import type { SensitivityClass } from './vocabulary';

/** Declares a field's sensitivity class; the field guard releases or redacts it by policy. */
export const Sensitive = (cls: SensitivityClass): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ sensitivity: cls });

/** Declares that no field of a type carries personal data (e.g. page info, agencies, metrics). */
export const NonPersonal = (): MethodDecorator & PropertyDecorator & ClassDecorator =>
  Extensions({ access: 'NON_PERSONAL' });
