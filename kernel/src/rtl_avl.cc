// The AVL generic table (<wskconf/rtl_avl.h>). Nodes are the caller's
// allocations: RTL_BALANCED_LINKS first, the record after it. The header's
// BalancedRoot is a sentinel whose RightChild is the root, so every node has
// a parent and rotations at the root need no special case. Balance is
// height(right) - height(left), always -1, 0 or +1 between operations.
#include <cstring>

#include <wskconf/rtl_avl.h>

namespace wskconf::kernel::internal {
namespace {

using Links = RTL_BALANCED_LINKS;

PVOID RecordOf(Links* node) {
  return node == nullptr ? nullptr : reinterpret_cast<PUCHAR>(node) + sizeof(Links);
}

Links* Root(PRTL_AVL_TABLE table) { return table->BalancedRoot.RightChild; }

void Replace(Links* parent, Links* old_child, Links* new_child) {
  if (parent->LeftChild == old_child) {
    parent->LeftChild = new_child;
  } else {
    parent->RightChild = new_child;
  }
  if (new_child != nullptr) new_child->Parent = parent;
}

// Rotations keep every parent link right; they return the subtree's new top.
Links* RotateLeft(Links* x) {
  Links* r = x->RightChild;
  Replace(x->Parent, x, r);
  x->RightChild = r->LeftChild;
  if (r->LeftChild != nullptr) r->LeftChild->Parent = x;
  r->LeftChild = x;
  x->Parent = r;
  return r;
}

Links* RotateRight(Links* x) {
  Links* l = x->LeftChild;
  Replace(x->Parent, x, l);
  x->LeftChild = l->RightChild;
  if (l->RightChild != nullptr) l->RightChild->Parent = x;
  l->RightChild = x;
  x->Parent = l;
  return l;
}

// Restores balance at `node` (Balance +2 or -2). Returns the subtree's new
// top; *shorter tells whether the subtree lost height.
Links* Rebalance(Links* node, bool* shorter) {
  int sign = node->Balance > 0 ? 1 : -1;
  Links* heavy = sign > 0 ? node->RightChild : node->LeftChild;
  if (heavy->Balance != -sign) {  // single rotation
    Links* top = sign > 0 ? RotateLeft(node) : RotateRight(node);
    if (heavy->Balance == 0) {  // only after a delete
      node->Balance = static_cast<CHAR>(sign);
      heavy->Balance = static_cast<CHAR>(-sign);
      *shorter = false;
    } else {
      node->Balance = heavy->Balance = 0;
      *shorter = true;
    }
    return top;
  }
  Links* inner = sign > 0 ? heavy->LeftChild : heavy->RightChild;
  if (sign > 0) {
    RotateRight(heavy);
    RotateLeft(node);
  } else {
    RotateLeft(heavy);
    RotateRight(node);
  }
  node->Balance = static_cast<CHAR>(inner->Balance == sign ? -sign : 0);
  heavy->Balance = static_cast<CHAR>(inner->Balance == -sign ? sign : 0);
  inner->Balance = 0;
  *shorter = true;
  return inner;
}

// After `child` grew by one level under `parent`.
void RetraceInsert(PRTL_AVL_TABLE table, Links* child) {
  for (Links* parent = child->Parent; parent != &table->BalancedRoot;
       child = parent, parent = parent->Parent) {
    parent->Balance += parent->LeftChild == child ? -1 : 1;
    if (parent->Balance == 0) return;
    if (parent->Balance == 2 || parent->Balance == -2) {
      bool shorter;
      Rebalance(parent, &shorter);
      return;
    }
  }
}

// After the `left` (or right) subtree of `node` lost one level.
void RetraceDelete(PRTL_AVL_TABLE table, Links* node, bool left) {
  while (node != &table->BalancedRoot) {
    node->Balance += left ? 1 : -1;
    if (node->Balance == 1 || node->Balance == -1) return;
    if (node->Balance != 0) {
      bool shorter;
      node = Rebalance(node, &shorter);
      if (!shorter) return;
    }
    Links* parent = node->Parent;
    left = parent->LeftChild == node;
    node = parent;
  }
}

Links* Leftmost(Links* node) {
  while (node != nullptr && node->LeftChild != nullptr) node = node->LeftChild;
  return node;
}

Links* Successor(PRTL_AVL_TABLE table, Links* node) {
  if (node->RightChild != nullptr) return Leftmost(node->RightChild);
  while (node->Parent != &table->BalancedRoot &&
         node->Parent->RightChild == node) {
    node = node->Parent;
  }
  Links* parent = node->Parent;
  return parent == &table->BalancedRoot ? nullptr : parent;
}

TABLE_SEARCH_RESULT Find(PRTL_AVL_TABLE table, PVOID buffer, Links** found) {
  Links* node = Root(table);
  if (node == nullptr) {
    *found = nullptr;
    return TableEmptyTree;
  }
  for (;;) {
    RTL_GENERIC_COMPARE_RESULTS order =
        table->CompareRoutine(table, buffer, RecordOf(node));
    if (order == GenericEqual) {
      *found = node;
      return TableFoundNode;
    }
    Links* next = order == GenericLessThan ? node->LeftChild : node->RightChild;
    if (next == nullptr) {
      *found = node;
      return order == GenericLessThan ? TableInsertAsLeft : TableInsertAsRight;
    }
    node = next;
  }
}

// Unlinks `z` and rebalances.
void Unlink(PRTL_AVL_TABLE table, Links* z) {
  if (z->LeftChild != nullptr && z->RightChild != nullptr) {
    Links* y = Leftmost(z->RightChild);
    Links* retrace_from;
    bool left;
    if (y->Parent == z) {
      retrace_from = y;
      left = false;
    } else {
      retrace_from = y->Parent;
      left = true;
      Replace(y->Parent, y, y->RightChild);
      y->RightChild = z->RightChild;
      y->RightChild->Parent = y;
    }
    y->LeftChild = z->LeftChild;
    y->LeftChild->Parent = y;
    y->Balance = z->Balance;
    Replace(z->Parent, z, y);
    RetraceDelete(table, retrace_from, left);
    return;
  }
  Links* child = z->LeftChild != nullptr ? z->LeftChild : z->RightChild;
  Links* parent = z->Parent;
  bool left = parent->LeftChild == z;
  Replace(parent, z, child);
  RetraceDelete(table, parent, left);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

extern "C" {

VOID RtlInitializeGenericTableAvl(PRTL_AVL_TABLE Table,
                                  PRTL_AVL_COMPARE_ROUTINE CompareRoutine,
                                  PRTL_AVL_ALLOCATE_ROUTINE AllocateRoutine,
                                  PRTL_AVL_FREE_ROUTINE FreeRoutine,
                                  PVOID TableContext) {
  std::memset(Table, 0, sizeof(*Table));
  Table->BalancedRoot.Parent = &Table->BalancedRoot;
  Table->CompareRoutine = CompareRoutine;
  Table->AllocateRoutine = AllocateRoutine;
  Table->FreeRoutine = FreeRoutine;
  Table->TableContext = TableContext;
}

PVOID RtlInsertElementGenericTableFullAvl(PRTL_AVL_TABLE Table, PVOID Buffer,
                                          CLONG BufferSize,
                                          PBOOLEAN NewElement,
                                          PVOID NodeOrParent,
                                          TABLE_SEARCH_RESULT SearchResult) {
  auto* parent = static_cast<internal::Links*>(NodeOrParent);
  if (SearchResult == TableFoundNode) {
    if (NewElement != nullptr) *NewElement = FALSE;
    return internal::RecordOf(parent);
  }
  auto* node = static_cast<internal::Links*>(Table->AllocateRoutine(
      Table, static_cast<CLONG>(sizeof(internal::Links) + BufferSize)));
  if (node == nullptr) {
    if (NewElement != nullptr) *NewElement = FALSE;
    return nullptr;
  }
  std::memset(node, 0, sizeof(*node));
  std::memcpy(internal::RecordOf(node), Buffer, BufferSize);
  if (SearchResult == TableEmptyTree) {
    parent = &Table->BalancedRoot;
    parent->RightChild = node;
  } else if (SearchResult == TableInsertAsLeft) {
    parent->LeftChild = node;
  } else {
    parent->RightChild = node;
  }
  node->Parent = parent;
  ULONG depth = 1;
  for (internal::Links* p = parent; p != &Table->BalancedRoot; p = p->Parent) {
    ++depth;
  }
  if (depth > Table->DepthOfTree) Table->DepthOfTree = depth;
  Table->NumberGenericTableElements++;
  internal::RetraceInsert(Table, node);
  if (NewElement != nullptr) *NewElement = TRUE;
  return internal::RecordOf(node);
}

PVOID RtlInsertElementGenericTableAvl(PRTL_AVL_TABLE Table, PVOID Buffer,
                                      CLONG BufferSize, PBOOLEAN NewElement) {
  internal::Links* node;
  TABLE_SEARCH_RESULT result = internal::Find(Table, Buffer, &node);
  return RtlInsertElementGenericTableFullAvl(Table, Buffer, BufferSize,
                                             NewElement, node, result);
}

BOOLEAN RtlDeleteElementGenericTableAvl(PRTL_AVL_TABLE Table, PVOID Buffer) {
  internal::Links* node;
  if (internal::Find(Table, Buffer, &node) != TableFoundNode) return FALSE;
  if (Table->RestartKey == node) Table->RestartKey = nullptr;
  internal::Unlink(Table, node);
  Table->NumberGenericTableElements--;
  Table->DeleteCount++;
  Table->FreeRoutine(Table, node);
  return TRUE;
}

PVOID RtlLookupElementGenericTableFullAvl(PRTL_AVL_TABLE Table, PVOID Buffer,
                                          PVOID* NodeOrParent,
                                          TABLE_SEARCH_RESULT* SearchResult) {
  internal::Links* node;
  TABLE_SEARCH_RESULT result = internal::Find(Table, Buffer, &node);
  *NodeOrParent = node;
  *SearchResult = result;
  return result == TableFoundNode ? internal::RecordOf(node) : nullptr;
}

PVOID RtlLookupElementGenericTableAvl(PRTL_AVL_TABLE Table, PVOID Buffer) {
  internal::Links* node;
  return internal::Find(Table, Buffer, &node) == TableFoundNode
             ? internal::RecordOf(node)
             : nullptr;
}

PVOID RtlEnumerateGenericTableAvl(PRTL_AVL_TABLE Table, BOOLEAN Restart) {
  internal::Links* next =
      Restart || Table->RestartKey == nullptr
          ? internal::Leftmost(internal::Root(Table))
          : internal::Successor(Table, Table->RestartKey);
  Table->RestartKey = next;
  return internal::RecordOf(next);
}

PVOID RtlEnumerateGenericTableWithoutSplayingAvl(PRTL_AVL_TABLE Table,
                                                 PVOID* RestartKey) {
  auto* last = static_cast<internal::Links*>(*RestartKey);
  internal::Links* next = last == nullptr
                              ? internal::Leftmost(internal::Root(Table))
                              : internal::Successor(Table, last);
  *RestartKey = next;
  return internal::RecordOf(next);
}

PVOID RtlLookupFirstMatchingElementGenericTableAvl(PRTL_AVL_TABLE Table,
                                                   PVOID Buffer,
                                                   PVOID* RestartKey) {
  internal::Links* node;
  if (internal::Find(Table, Buffer, &node) != TableFoundNode) {
    *RestartKey = nullptr;
    return nullptr;
  }
  *RestartKey = node;
  return internal::RecordOf(node);
}

PVOID RtlGetElementGenericTableAvl(PRTL_AVL_TABLE Table, ULONG I) {
  if (I >= Table->NumberGenericTableElements) return nullptr;
  internal::Links* node = internal::Leftmost(internal::Root(Table));
  for (ULONG i = 0; i < I; ++i) node = internal::Successor(Table, node);
  return internal::RecordOf(node);
}

ULONG RtlNumberGenericTableElementsAvl(PRTL_AVL_TABLE Table) {
  return Table->NumberGenericTableElements;
}

BOOLEAN RtlIsGenericTableEmptyAvl(PRTL_AVL_TABLE Table) {
  return Table->NumberGenericTableElements == 0;
}

}  // extern "C"
