package io.retrace.agent.weave;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One advice class's enter and exit methods, read from its class file (see {@link Advice}): what
 * the {@link Weaver} calls and what it binds to each parameter.
 */
public final class AdviceMethods {
  private static final String ANNOTATIONS = Type.getDescriptor(Advice.class);
  private static final String PREFIX = ANNOTATIONS.substring(0, ANNOTATIONS.length() - 1) + "$";

  /** What a parameter of an advice method is bound to. */
  enum Kind {
    THIS,
    ARGUMENT,
    ALL_ARGUMENTS,
    RETURN,
    THROWN,
    ENTER,
    SITE
  }

  /** A parameter's binding: its kind, the argument's index, or the site's pattern. */
  record Binding(Kind kind, int index, String pattern) {}

  /** One advice method. */
  static final class Call {
    final String name;
    final String descriptor;
    final Type[] parameters;
    final Type result;
    final Binding[] bindings;
    boolean skipOnNonNull;
    int[] replacesArguments = new int[0];
    boolean onThrowable;

    Call(String name, String descriptor) {
      this.name = name;
      this.descriptor = descriptor;
      this.parameters = Type.getArgumentTypes(descriptor);
      this.result = Type.getReturnType(descriptor);
      this.bindings = new Binding[parameters.length];
    }
  }

  final String owner;
  final Call enter;
  final Call exit;

  private AdviceMethods(String owner, Call enter, Call exit) {
    this.owner = owner;
    this.enter = enter;
    this.exit = exit;
  }

  /**
   * Reads the advice class {@code adviceClass}, from the class file its class loader's resources
   * hold (the agent's jar).
   *
   * @throws IllegalStateException if it is not a valid advice class
   */
  public static AdviceMethods of(Class<?> adviceClass) {
    String internal = adviceClass.getName().replace('.', '/');
    ClassLoader loader =
        adviceClass.getClassLoader() == null
            ? AdviceMethods.class.getClassLoader()
            : adviceClass.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(internal + ".class")) {
      if (in == null) {
        throw new IllegalStateException("no class file for advice " + adviceClass.getName());
      }
      return parse(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read advice " + adviceClass.getName(), e);
    }
  }

  /** Reads an advice class file. */
  static AdviceMethods parse(byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    List<Call> enter = new ArrayList<>();
    List<Call> exit = new ArrayList<>();
    reader.accept(
        new ClassVisitor(Weaver.API) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            if ((access & Opcodes.ACC_STATIC) == 0) {
              return null;
            }
            Call call = new Call(name, descriptor);
            return new MethodVisitor(Weaver.API) {
              @Override
              public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                if (annotation.equals(PREFIX + "OnEnter;")) {
                  enter.add(call);
                  return new AnnotationVisitor(Weaver.API) {
                    @Override
                    public void visit(String key, Object value) {
                      if (key.equals("skipOnNonNull")) {
                        call.skipOnNonNull = (Boolean) value;
                      } else if (key.equals("replacesArguments")) {
                        // ASM hands an array of primitives over whole, not element by element.
                        call.replacesArguments = (int[]) value;
                      }
                    }
                  };
                }
                if (annotation.equals(PREFIX + "OnExit;")) {
                  exit.add(call);
                  return new AnnotationVisitor(Weaver.API) {
                    @Override
                    public void visit(String key, Object value) {
                      call.onThrowable = (Boolean) value;
                    }
                  };
                }
                return null;
              }

              @Override
              public AnnotationVisitor visitParameterAnnotation(
                  int parameter, String annotation, boolean visible) {
                if (!annotation.startsWith(PREFIX)) {
                  return null;
                }
                Kind kind = kind(annotation.substring(PREFIX.length(), annotation.length() - 1));
                call.bindings[parameter] = new Binding(kind, -1, null);
                return new AnnotationVisitor(Weaver.API) {
                  @Override
                  public void visit(String key, Object value) {
                    call.bindings[parameter] =
                        value instanceof Integer i
                            ? new Binding(kind, i, null)
                            : new Binding(kind, -1, (String) value);
                  }
                };
              }
            };
          }
        },
        ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    String owner = reader.getClassName();
    if (enter.size() > 1 || exit.size() > 1 || enter.size() + exit.size() == 0) {
      throw new IllegalStateException(
          owner + " needs one static @OnEnter method, one static @OnExit method, or both");
    }
    AdviceMethods advice =
        new AdviceMethods(
            owner, enter.isEmpty() ? null : enter.get(0), exit.isEmpty() ? null : exit.get(0));
    advice.check(advice.enter);
    advice.check(advice.exit);
    return advice;
  }

  private static Kind kind(String simpleName) {
    return switch (simpleName) {
      case "This" -> Kind.THIS;
      case "Argument" -> Kind.ARGUMENT;
      case "AllArguments" -> Kind.ALL_ARGUMENTS;
      case "Return" -> Kind.RETURN;
      case "Thrown" -> Kind.THROWN;
      case "Enter" -> Kind.ENTER;
      case "Site" -> Kind.SITE;
      default -> throw new IllegalStateException("unknown advice annotation @" + simpleName);
    };
  }

  private void check(Call call) {
    if (call == null) {
      return;
    }
    for (int i = 0; i < call.bindings.length; i++) {
      Binding b = call.bindings[i];
      String where = owner + "." + call.name + " parameter " + i;
      if (b == null) {
        throw new IllegalStateException(where + " has no binding annotation");
      }
      boolean onEnter = call == enter;
      if (onEnter && (b.kind() == Kind.RETURN || b.kind() == Kind.THROWN)) {
        throw new IllegalStateException(where + ": @" + b.kind() + " only binds on exit");
      }
      if (b.kind() == Kind.ENTER && (onEnter || enter == null || enter.result == Type.VOID_TYPE)) {
        throw new IllegalStateException(where + ": @Enter needs an enter method with a result");
      }
    }
    if ((call.skipOnNonNull || call.replacesArguments.length > 0)
        && call.result.getSort() != Type.OBJECT
        && call.result.getSort() != Type.ARRAY) {
      throw new IllegalStateException(owner + "." + call.name + " must return a reference");
    }
  }
}
