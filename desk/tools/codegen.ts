/**
 * Typed operations generated from schema/schema.graphql, for MASH Desk (ADR 009) and the partner
 * client package clients/typescript (ADR 013).
 *
 * Reads a target's operations/*.graphql, validates every document against the checked-in schema (an
 * operation the schema no longer serves fails here, with the reason) and writes its
 * generated/operations.ts: per operation its result and variables types and the document as a typed
 * string. A changed field type surfaces as a type error in the code using it when `npm run typecheck`
 * compiles it. The output is a build artifact (not committed).
 *
 * Usage: ts-node --transpile-only desk/tools/codegen.ts [desk|client]
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  GraphQLEnumType,
  GraphQLInputObjectType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  parse,
  print,
  typeFromAST,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { REDACTION_REASONS } from '../../src/access-policy/vocabulary';
import { ERROR_CODES, PERSISTED_QUERY_CODES } from '../../src/shared/errors';

const ROOT = path.resolve(__dirname, '..', '..');
const SCALARS: Record<string, string> = {
  ID: 'string',
  String: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  DateTimeISO: 'string',
  LocalDate: 'string',
};

class Emitter {
  private readonly enums = new Map<string, GraphQLEnumType>();
  private readonly inputs = new Map<string, GraphQLInputObjectType>();

  constructor(private readonly schema: GraphQLSchema) {}

  private scalar(name: string): string {
    const ts = SCALARS[name];
    if (!ts) throw new Error(`codegen: no TypeScript mapping for the scalar ${name}; add it to SCALARS`);
    return ts;
  }

  /** An output type with its selection set, as a TypeScript type expression. */
  output(
    type: GraphQLOutputType,
    selection: SelectionSetNode | undefined,
    fragments: Map<string, FragmentDefinitionNode>,
    indent: string,
  ): string {
    if (isNonNullType(type)) return this.outputInner(type.ofType, selection, fragments, indent);
    return `${this.outputInner(type, selection, fragments, indent)} | null`;
  }

  private outputInner(
    type: GraphQLOutputType,
    selection: SelectionSetNode | undefined,
    fragments: Map<string, FragmentDefinitionNode>,
    indent: string,
  ): string {
    if (isNonNullType(type)) return this.outputInner(type.ofType, selection, fragments, indent);
    if (isListType(type)) return `Array<${this.output(type.ofType, selection, fragments, indent)}>`;
    if (isScalarType(type)) return this.scalar(type.name);
    if (isEnumType(type)) {
      this.enums.set(type.name, type);
      return type.name;
    }
    if (!selection) throw new Error(`codegen: ${type.name} needs a selection set`);
    return this.object(type, selection, fragments, indent, false);
  }

  /**
   * The fields selected on a composite type. Fields selected under a fragment on a narrower type
   * (`... on HealthRecord { clinicalNotes }`) are optional: present only for that type.
   */
  private object(
    parent: GraphQLCompositeType,
    selection: SelectionSetNode,
    fragments: Map<string, FragmentDefinitionNode>,
    indent: string,
    narrowed: boolean,
  ): string {
    const lines: string[] = [];
    const inner = `${indent}  `;
    for (const s of selection.selections) {
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        const opt = narrowed ? '?' : '';
        if (s.name.value === '__typename') {
          const names = isAbstractType(parent)
            ? this.schema.getPossibleTypes(parent).map((t) => t.name)
            : [parent.name];
          const union = names.map((n) => `'${n}'`).join(' | ');
          lines.push(`${inner}${key}${opt}: ${union};`);
          continue;
        }
        if (!('getFields' in parent))
          throw new Error(`codegen: ${parent.name} is a union; select its members with fragments`);
        const field = parent.getFields()[s.name.value];
        if (!field) throw new Error(`codegen: ${parent.name}.${s.name.value} is not in the schema`);
        lines.push(`${inner}${key}${opt}: ${this.output(field.type, s.selectionSet, fragments, inner)};`);
        continue;
      }
      const frag = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value) : s;
      if (!frag) throw new Error('codegen: unknown fragment');
      const condition = frag.typeCondition ? this.schema.getType(frag.typeCondition.name.value) : parent;
      if (!condition || !isCompositeType(condition)) throw new Error('codegen: bad fragment type condition');
      const body = this.object(
        condition,
        frag.selectionSet,
        fragments,
        indent,
        narrowed || condition.name !== parent.name,
      );
      // Inline the fragment's fields into this object (the braces are dropped).
      lines.push(...body.split('\n').slice(1, -1));
    }
    return `{\n${lines.join('\n')}\n${indent}}`;
  }

  input(type: GraphQLInputType): string {
    if (isNonNullType(type)) return this.inputInner(type.ofType);
    return `${this.inputInner(type)} | null`;
  }

  private inputInner(type: GraphQLInputType): string {
    if (isNonNullType(type)) return this.inputInner(type.ofType);
    if (isListType(type)) return `Array<${this.input(type.ofType)}>`;
    if (isScalarType(type)) return this.scalar(type.name);
    if (isEnumType(type)) {
      this.enums.set(type.name, type);
      return type.name;
    }
    if (isInputObjectType(type) && !this.inputs.has(type.name)) {
      this.inputs.set(type.name, type);
      for (const f of Object.values(type.getFields())) this.input(f.type);
    }
    return type.name;
  }

  declarations(): string[] {
    const out: string[] = [];
    for (const [name, e] of [...this.enums].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(
        `export type ${name} = ${e
          .getValues()
          .map((v) => `'${v.name}'`)
          .join(' | ')};`,
      );
      out.push(
        `export const ${name}Values: readonly ${name}[] = [${e
          .getValues()
          .map((v) => `'${v.name}'`)
          .join(', ')}];`,
      );
    }
    for (const [name, t] of [...this.inputs].sort(([a], [b]) => a.localeCompare(b))) {
      const fields = Object.values(t.getFields()).map((f) => {
        const required = isNonNullType(f.type) && f.defaultValue === undefined;
        return `  ${f.name}${required ? '' : '?'}: ${this.input(f.type)};`;
      });
      out.push(`export interface ${name} {\n${fields.join('\n')}\n}`);
    }
    return out;
  }
}

/** A string union and its values as a constant, from one of the hub's own lists. */
const unionOf = (type: string, constant: string, values: readonly string[]) => [
  `export type ${type} = ${values.map((v) => `'${v}'`).join(' | ')};`,
  `export const ${constant}: readonly ${type}[] = [${values.map((v) => `'${v}'`).join(', ')}];`,
];

/**
 * The hub's stable error codes (src/shared/errors.ts) and redaction reasons (access-policy
 * vocabulary), emitted from their one definition so a partner client cannot drift from them.
 */
export const HUB_VOCABULARY = [
  '/** Every `extensions.code` the hub answers with (src/shared/errors.ts). */',
  ...unionOf('HubErrorCode', 'HUB_ERROR_CODES', [...ERROR_CODES, ...PERSISTED_QUERY_CODES]),
  '/** Why a field came back null, in `extensions.redactions` (src/access-policy/vocabulary.ts). */',
  ...unionOf('RedactionReason', 'REDACTION_REASONS', REDACTION_REASONS),
];

export function generate(
  schemaSdl: string,
  documents: Array<{ file: string; source: string }>,
  options: { source: string; preamble?: string[] } = { source: 'desk/operations/*.graphql' },
): string {
  const schema = buildSchema(schemaSdl);
  const emitter = new Emitter(schema);
  const operations: string[] = [];
  const names = new Set<string>();
  for (const { file, source } of documents) {
    let doc: DocumentNode;
    try {
      doc = parse(source);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
    }
    const errors = validate(schema, doc);
    if (errors.length)
      throw new Error(`${file} does not fit schema/schema.graphql:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
    const fragments = new Map(
      doc.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((f) => [f.name.value, f]),
    );
    for (const op of doc.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    )) {
      const name = op.name?.value;
      if (!name) throw new Error(`${file}: every operation needs a name`);
      if (names.has(name)) throw new Error(`${file}: the operation name ${name} is used twice`);
      names.add(name);
      const root = schema.getRootType(op.operation);
      if (!root) throw new Error(`${file}: the schema has no ${op.operation} type`);
      const result = emitter.output(root as GraphQLOutputType, op.selectionSet, fragments, '').replace(/ \| null$/, '');
      const vars = (op.variableDefinitions ?? []).map((v) => {
        const t = typeFromAST(schema, v.type as never) as GraphQLInputType | undefined;
        if (!t) throw new Error(`${file}: unknown variable type in ${name}`);
        const required = isNonNullType(t) && !v.defaultValue;
        return `  ${v.variable.name.value}${required ? '' : '?'}: ${emitter.input(t)};`;
      });
      // Only the fragments this operation uses travel with it.
      const used = new Set<string>();
      const collect = (set: SelectionSetNode) => {
        for (const s of set.selections) {
          if (s.kind === Kind.FRAGMENT_SPREAD && !used.has(s.name.value)) {
            used.add(s.name.value);
            collect(fragments.get(s.name.value)!.selectionSet);
          } else if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) collect(s.selectionSet);
        }
      };
      collect(op.selectionSet);
      const text = [print(op), ...[...used].map((f) => print(fragments.get(f)!))].join('\n');
      operations.push(
        `export type ${name}Result = ${result};\n` +
          `export interface ${name}Variables {\n${vars.join('\n')}${vars.length ? '\n' : ''}}\n` +
          `export const ${name}: TypedOperation<${name}Result, ${name}Variables> = { kind: '${op.operation}', name: '${name}', text: ${JSON.stringify(text)} };`,
      );
    }
  }
  return [
    `// Generated by desk/tools/codegen.ts from schema/schema.graphql and ${options.source}. Do not edit.`,
    '/* eslint-disable */',
    'export interface TypedOperation<R, V> {',
    "  kind: 'query' | 'mutation' | 'subscription';",
    '  name: string;',
    '  text: string;',
    '  /** Never set: carries the result and variables types. */',
    '  readonly __types?: { result: R; variables: V };',
    '}',
    ...(options.preamble ?? []),
    ...emitter.declarations(),
    ...operations,
    '',
  ].join('\n');
}

/** What each target reads and writes, relative to the repository. */
const TARGETS = {
  desk: { operations: 'desk/operations', out: 'desk/src/generated/operations.ts', preamble: [] as string[] },
  client: {
    operations: 'clients/typescript/operations',
    out: 'clients/typescript/src/generated/operations.ts',
    preamble: HUB_VOCABULARY,
  },
};
export type CodegenTarget = keyof typeof TARGETS;

/** Writes a target's generated/operations.ts (only when it changed, so watchers stay quiet). */
export function writeOperations(name: CodegenTarget): string {
  const t = TARGETS[name];
  const dir = path.join(ROOT, t.operations);
  const documents = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ file: `${t.operations}/${f}`, source: fs.readFileSync(path.join(dir, f), 'utf8') }));
  const out = generate(fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'), documents, {
    source: `${t.operations}/*.graphql`,
    preamble: t.preamble,
  });
  const target = path.join(ROOT, t.out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== out) fs.writeFileSync(target, out);
  return target;
}

if (require.main === module) {
  const name = (process.argv[2] ?? 'desk') as CodegenTarget;
  try {
    if (!(name in TARGETS)) throw new Error(`unknown target ${name}; one of ${Object.keys(TARGETS).join(', ')}`);
    writeOperations(name);
  } catch (e) {
    process.stderr.write(`${name} codegen: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
