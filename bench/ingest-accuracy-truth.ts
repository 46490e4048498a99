// Ground truth for the ingestion accuracy benchmark: the TypeScript compiler's own answer to "which
// declaration does this call resolve to", for every call inside a function or method of a project.
//
// Matching rule (documented in docs/benchmarks/ingest.md): a declaration is identified by its file
// (relative POSIX path) and the line of its first token (modifiers included, JSDoc excluded), which
// is how KausalDB's blocks record `file` and `lineStart`. Overload signatures map to the overload
// that has a body. Only declarations KausalDB models as blocks count as targets: functions, methods
// (class and interface), constructors, classes (for `new` without a constructor) and top-level
// `const f = () => …` functions; calls to parameters, locals and object properties are counted as
// "outside the model" and left out of both sides.
import ts from 'typescript';
import { relative, sep } from 'node:path';

export interface TruthEdge {
  readonly caller: string;
  readonly callee: string;
  readonly line: number;
}

export interface GroundTruth {
  readonly edges: TruthEdge[];
  readonly callSites: number;
  readonly outsideModel: number;
  readonly outsideProject: number;
  readonly unresolved: number;
  readonly files: number;
}

export function computeGroundTruth(tsconfigPath: string, projectRoot: string): GroundTruth {
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfigPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${tsconfigPath}`);
  const inProject = (fileName: string): boolean =>
    !fileName.endsWith('.d.ts') && !relative(projectRoot, fileName).startsWith('..');
  const rootNames = config.fileNames.filter(inProject);
  const program = ts.createProgram({ rootNames, options: { ...config.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const key = (node: ts.Node): string => {
    const file = node.getSourceFile();
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    return `${relative(projectRoot, file.fileName).split(sep).join('/')}:${line}`;
  };
  const edges: TruthEdge[] = [];
  let callSites = 0;
  let outsideModel = 0;
  let outsideProject = 0;
  let unresolved = 0;
  let files = 0;
  for (const file of program.getSourceFiles()) {
    if (!inProject(file.fileName)) continue;
    files++;
    const stack: ts.Node[] = [file];
    while (stack.length > 0) {
      const node = stack.pop() as ts.Node;
      ts.forEachChild(node, (child) => {
        stack.push(child);
      });
      if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) continue;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) continue;
      const caller = enclosingEntity(node);
      if (!caller) continue;
      callSites++;
      const target = resolveCallTarget(checker, node);
      if (!target) {
        unresolved++;
        continue;
      }
      if (!inProject(target.getSourceFile().fileName)) {
        outsideProject++;
        continue;
      }
      const modelled = modelledDeclaration(target);
      if (!modelled) {
        outsideModel++;
        continue;
      }
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      edges.push({ caller: key(caller), callee: key(modelled), line });
    }
  }
  return { edges, callSites, outsideModel, outsideProject, unresolved, files };
}

function resolveCallTarget(
  checker: ts.TypeChecker,
  node: ts.CallExpression | ts.NewExpression,
): ts.Node | undefined {
  let symbol = checker.getSymbolAtLocation(node.expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const named = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  const declaration = checker.getResolvedSignature(node)?.declaration;
  // `new X()` of a class without a constructor of its own or in a project base class: the
  // checker names the library base's constructor (`extends Error`); the code that runs is X's.
  if (ts.isNewExpression(node) && named && ts.isClassDeclaration(named)) {
    const outside =
      !declaration || ts.isJSDocSignature(declaration) || declaration.getSourceFile().isDeclarationFile;
    if (outside) return named;
  }
  if (declaration && !ts.isJSDocSignature(declaration)) return followAlias(checker, declaration);
  // No signature declaration: an implicit constructor or an untyped callee.
  if (named && ts.isNewExpression(node)) return ts.isClassLike(named) ? named : undefined;
  return named;
}

/**
 * `const alias: (a: A) => B = fn;` types the alias, so the checker names the annotation; the call
 * runs `fn`, which is what the alias denotes.
 */
function followAlias(checker: ts.TypeChecker, declaration: ts.Node): ts.Node {
  const variable = declaration.parent;
  if (!ts.isFunctionTypeNode(declaration) || !ts.isVariableDeclaration(variable) || !variable.initializer) {
    return declaration;
  }
  const initializer = variable.initializer;
  if (!ts.isIdentifier(initializer) && !ts.isPropertyAccessExpression(initializer)) return declaration;
  let symbol = checker.getSymbolAtLocation(initializer);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.valueDeclaration ?? declaration;
}

/** The declaration KausalDB models for `declaration`, or undefined when it is not a block. */
function modelledDeclaration(declaration: ts.Node): ts.Node | undefined {
  if (ts.isArrowFunction(declaration) || ts.isFunctionExpression(declaration)) {
    return modelledDeclaration(declaration.parent);
  }
  if (ts.isVariableDeclaration(declaration)) {
    return isTopLevelVariable(declaration) ? variableStatementOf(declaration) : undefined;
  }
  if (ts.isClassDeclaration(declaration)) return isModelledEntity(declaration) ? declaration : undefined;
  if (ts.isMethodSignature(declaration)) {
    return isModelledEntity(declaration) ? firstSignature(declaration) : undefined;
  }
  if (
    ts.isFunctionDeclaration(declaration) ||
    ts.isMethodDeclaration(declaration) ||
    ts.isConstructorDeclaration(declaration)
  ) {
    const implementation = implementationOf(declaration);
    return isModelledEntity(implementation) ? implementation : undefined;
  }
  if (ts.isPropertyDeclaration(declaration)) return isModelledEntity(declaration) ? declaration : undefined;
  return undefined;
}

/** Whether KausalDB makes a block of this declaration (see docs/ingestion.md, TypeScript). */
function isModelledEntity(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
    return node.name !== undefined && isTopLevelParent(parent);
  }
  if (ts.isMethodSignature(node)) return ts.isInterfaceDeclaration(parent) && isModelledEntity(parent);
  if (
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  ) {
    return ts.isClassDeclaration(parent) && isModelledEntity(parent);
  }
  if (ts.isPropertyDeclaration(node)) {
    return (
      node.initializer !== undefined &&
      isFunctionExpression(node.initializer) &&
      ts.isClassDeclaration(parent) &&
      isModelledEntity(parent)
    );
  }
  return false;
}

function isTopLevelParent(parent: ts.Node): boolean {
  return ts.isSourceFile(parent) || ts.isModuleBlock(parent);
}

/** Overloads of an interface method fold into the first one, as KausalDB's blocks do. */
function firstSignature(declaration: ts.MethodSignature): ts.Node {
  const name = declaration.name.getText();
  const parent = declaration.parent;
  if (!ts.isInterfaceDeclaration(parent)) return declaration;
  return (
    parent.members.find((member) => ts.isMethodSignature(member) && member.name.getText() === name) ??
    declaration
  );
}

function implementationOf(
  declaration: ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration,
): ts.Node {
  if (declaration.body) return declaration;
  const symbol = (declaration as { symbol?: ts.Symbol }).symbol;
  const withBody = symbol?.declarations?.find(
    (candidate) =>
      (ts.isFunctionDeclaration(candidate) ||
        ts.isMethodDeclaration(candidate) ||
        ts.isConstructorDeclaration(candidate)) &&
      candidate.body !== undefined,
  );
  // Without an implementation (ambient overloads), the first declaration stands for all.
  return withBody ?? symbol?.declarations?.[0] ?? declaration;
}

function isFunctionExpression(node: ts.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

function isTopLevelVariable(declaration: ts.VariableDeclaration): boolean {
  const statement = declaration.parent.parent;
  return ts.isVariableStatement(statement) && isTopLevelParent(statement.parent);
}

function variableStatementOf(declaration: ts.VariableDeclaration): ts.Node {
  // The block of `export const f = …` starts at the statement when it declares one variable.
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list)) return declaration;
  return list.declarations.length === 1 ? list.parent : declaration;
}

/** The nearest enclosing function-like declaration that KausalDB models as a block. */
function enclosingEntity(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      const parent = current.parent;
      if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && isTopLevelVariable(parent)) {
        return variableStatementOf(parent);
      }
      if (ts.isPropertyDeclaration(parent) && isModelledEntity(parent)) return parent;
      continue;
    }
    if (isFunctionLikeDeclaration(current) && isModelledEntity(current)) return current;
  }
  return undefined;
}

function isFunctionLikeDeclaration(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}
