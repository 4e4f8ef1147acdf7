// Typed views of schemas/network.schema.json and schemas/routes.schema.json: the one source of
// keys, value types, documentation and route grammar for validation, completion and hover.
import networkSchemaJson from '../../../schemas/network.schema.json';
import routesSchemaJson from '../../../schemas/routes.schema.json';

export type NetworkValueType = 'ipv4' | 'netmask' | 'ipv4-list' | 'domain' | 'domain-list';

export interface NetworkKeySchema {
  valueType: NetworkValueType;
  description: string;
  markdownDescription: string;
  examples: string[];
}

export interface NetworkSchema {
  title: string;
  markdownDescription: string;
  required: string[];
  keys: Record<string, NetworkKeySchema>;
}

export type RouteArgumentType = 'network' | 'host' | 'prefix' | 'netmask' | 'gateway' | 'integer' | 'interface';

export interface Documented {
  markdownDescription: string;
}

export interface RouteKeyword extends Documented {
  /** The type of the word that follows; none for a bare keyword such as `default`. */
  argument?: RouteArgumentType;
}

export interface RouteCommandSchema extends Documented {
  /** Words between the command and the action (`ip route add`: ["route"]). */
  words: string[];
  actions: Record<string, Documented>;
  destination: { keywords: Record<string, RouteKeyword>; bare: RouteArgumentType };
  options: Record<string, RouteKeyword & { argument: RouteArgumentType }>;
}

export interface RoutesSchema {
  title: string;
  markdownDescription: string;
  phases: Record<string, Documented>;
  commands: Record<string, RouteCommandSchema>;
  argumentTypes: Record<RouteArgumentType, Documented & { label: string }>;
}

export const networkSchema: NetworkSchema = {
  title: networkSchemaJson.title,
  markdownDescription: networkSchemaJson.markdownDescription,
  required: networkSchemaJson.required,
  keys: Object.fromEntries(
    Object.entries(networkSchemaJson.properties).map(([key, p]) => [
      key,
      { valueType: p['x-valueType'] as NetworkValueType, description: p.description, markdownDescription: p.markdownDescription, examples: p.examples },
    ]),
  ),
};

export const routesSchema: RoutesSchema = routesSchemaJson as RoutesSchema;
